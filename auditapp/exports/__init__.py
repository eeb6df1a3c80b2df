"""Files the service writes: the monthly summary workbook."""
