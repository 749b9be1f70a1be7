"""Mail delivery over SMTP."""
import smtplib


def send_mail(host, to, subject):
    with smtplib.SMTP(host) as smtp:
        smtp.sendmail("orders@example.com", [to], f"Subject: {subject}\n\n")
