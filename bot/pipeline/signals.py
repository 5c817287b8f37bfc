"""Wake-ups between threads of one process: set when new work is stored."""
import threading

inbox_signal = threading.Event()
outbox_signal = threading.Event()
