"""Fakes that speak real protocols over real sockets (no mocks): see llm_server.py."""
