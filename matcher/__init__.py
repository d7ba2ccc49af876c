"""Pure ranking of services for one person: index, filters, scores, reasons. No I/O."""
