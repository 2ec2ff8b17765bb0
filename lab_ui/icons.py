"""Status icons: Streamlit's Material Symbols, never emoji.

Emoji need an emoji font, which many school and server machines lack (Chromium then
draws an empty box); Material icons come with Streamlit's own web font.
``tests/app/test_icons.py`` refuses an emoji anywhere in the interface's sources.
"""

OK = ":material/check_circle:"
WARNING = ":material/warning:"
ERROR = ":material/error:"
WRONG = ":material/cancel:"
UNDECIDED = ":material/help:"
EDIT = ":material/edit:"
IDEA = ":material/lightbulb:"
LINK = ":material/link:"
TODO = ":material/radio_button_unchecked:"
INFO = ":material/info:"
WAIT = ":material/hourglass_top:"
LOCK = ":material/lock:"
KEY = ":material/key:"
OFFLINE = ":material/cloud_off:"
JOINED = ":material/group_add:"
