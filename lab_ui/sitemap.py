"""The site's pages: the home page, the topics in the book's order, then teaching.

Plain data (no imports): read by the entry, ``dashboard.py``, and by tests and benchmarks
that visit every page.
"""

#: The browser tab's icon: "∂" drawn in an SVG, which Streamlit sends as a data: URL (no
#: request). A bare "∂" (not an emoji) was taken for an address: the browser fetched the
#: page's HTML for it; a Material icon is fetched from Google's font server.
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
    '<rect width="64" height="64" rx="12" fill="#1f4e99"/>'
    '<text x="32" y="49" font-size="46" font-family="serif" text-anchor="middle" '
    'fill="#fff">∂</text></svg>'
)
#: The default page, served at ``/`` (Streamlit serves a default page nowhere else).
HOME = ("pages/home.py", "nav.home", ":material/home:")
#: (url_path, file, title key, icon) in the book's order. A page's file is named after its
#: url_path: on a fresh server Streamlit's first lookup of a shared link goes by file name.
TOPICS = [
    ("limits", "pages/limits.py", "nav.limits", ":material/trending_down:"),
    ("tangent", "pages/tangent.py", "nav.tangent", ":material/show_chart:"),
    ("gradients", "pages/gradients.py", "nav.gradients", ":material/explore:"),
    ("chain-rule", "pages/chain-rule.py", "nav.chain_rule", ":material/link:"),
    ("exercises", "pages/exercises.py", "nav.exercises", ":material/school:"),
]
#: For teachers, after the topics: class mode (lab_ui.class_view).
TEACHING = [("class", "pages/class.py", "nav.class", ":material/groups:")]
