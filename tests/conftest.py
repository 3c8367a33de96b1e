"""Suite-wide settings.

.streamlit/config.toml hides exception details from the public (client.showErrorDetails =
"none"); AppTest reads that file too, so without this a failing page test would only say
"This app has encountered an error". Tests want the real message.
"""

from streamlit import config

config.set_option("client.showErrorDetails", "full")
