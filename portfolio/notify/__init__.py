"""Telling people: in-app notifications and their emails. (Webhooks for readiness live in portfolio/webhooks.)"""
