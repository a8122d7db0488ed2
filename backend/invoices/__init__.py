"""Tax documents: invoices and credit notes, as PDF with the ISDOC inside and a QR payment."""
