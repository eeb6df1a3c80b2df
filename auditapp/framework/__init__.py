"""The council's own framework (issue 24): the grade descriptors as versions the QA lead and
practice leads draft and publish in the service."""
