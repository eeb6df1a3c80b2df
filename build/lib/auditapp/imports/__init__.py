"""Reading spreadsheets people upload. No Flask here: the web and the command line share it."""
