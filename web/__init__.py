"""The web pages beside the chat: staff (LIFF) and finance pages, the public verify page, the bank callback.

Mounted by bot/app.py; uses flows/ and backend/, never bot/ (the running app is reached through
the small protocol in web/runtime.py).
"""
