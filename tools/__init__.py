"""Developer tools: browser helpers, a protocol-level Streamlit client, screenshots."""
