from civicdata.core.text import plain_text, render_markdown


def test_script_tags_and_event_handlers_render_inert():
    html = render_markdown('<script>alert(1)</script> <img src=x onerror="alert(2)"> **bold**')
    assert "<script" not in html
    assert "<img" not in html  # shown as escaped text, never as a tag
    assert "&lt;script&gt;" in html
    assert "<strong>bold</strong>" in html


def test_javascript_links_are_dropped_and_others_get_rel_nofollow():
    html = render_markdown("[bad](javascript:alert(1)) [good](https://example.org)")
    assert 'href="javascript' not in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">good</a>' in html


def test_headings_written_by_people_start_below_the_page_title():
    html = render_markdown("# Title\n\n###### Deep")
    assert "<h1>" not in html
    assert "<h2>Title</h2>" in html
    assert "<h4>Deep</h4>" in html


def test_plain_text_strips_markup_and_truncates():
    assert plain_text("**Hello** & <b>world</b>", limit=9) == "Hello &…"
