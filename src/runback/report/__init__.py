"""Drawing the physio report (PDF pages and charts); the data comes from services/report.py."""
