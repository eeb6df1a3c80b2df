"""Files the service writes: the monthly summary workbook and the allocation CSV."""
