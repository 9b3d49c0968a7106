"""smtptui.dnscheck"""
