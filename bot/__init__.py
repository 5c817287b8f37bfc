"""TCPS LINE assistant: core package."""
