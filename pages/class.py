"""Class: start a class, see how it is doing (with the teacher key), or join one."""

import streamlit as st

import lab_ui.startup  # noqa: F401  (first: starts the workers while the rest imports)
from lab_store.store import default_store
from lab_ui import class_view as cv
from lab_ui import icons, learner
from lab_ui.i18n import t
from lab_ui.shell import page_header

page_header("class.title", "class.intro")
cv.login_from_url()
settings = default_store().settings
with st.container(border=True):
    st.markdown(f"**{t('class.privacy_title')}**")
    st.markdown(
        t("class.privacy", days=settings.retention_days, progress_days=settings.progress_days)
    )

held = st.session_state.get(cv.TEACHER)
if held:
    if st.session_state.get(cv.NEW, ("",))[0] == held[1]:
        cv.new_class_links()
    cv.teacher(*held)
else:
    teach, join = st.columns(2, gap="large")
    with teach:
        st.subheader(t("class.teach_title"))
        st.markdown(t("class.teach_about"))
        cv.start()
        if st.session_state.get(cv.TEACHER):
            st.rerun()
    with join:
        st.subheader(t("class.join_title"))
        code = learner.joined_code()
        if code:
            st.success(t("class.joined", code=code), icon=icons.JOINED)
            if st.button(t("class.leave"), key="leave_class"):
                learner.leave()
                st.rerun()
        else:
            typed = st.text_input(t("class.code_field"), key="join_code", max_chars=12)
            if st.button(t("class.join_button"), key="join_class") and learner.join(typed):
                st.query_params["class"] = learner.joined_code()
                st.rerun()
