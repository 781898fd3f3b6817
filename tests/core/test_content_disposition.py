from portfolio.core.content_disposition import attachment_header


def test_an_ascii_name_is_sent_as_is() -> None:
    assert attachment_header("Site visit 3.pdf") == 'attachment; filename="Site visit 3.pdf"'


def test_a_non_ascii_name_has_an_ascii_fallback_and_the_exact_utf8_name() -> None:
    assert attachment_header("\u00c9valuation \u2013 Zo\u00eb.pdf") == (
        "attachment; filename=\"Evaluation _ Zoe.pdf\"; filename*=UTF-8''%C3%89valuation%20%E2%80%93%20Zo%C3%AB.pdf"
    )


def test_quotes_and_paths_cannot_break_out_of_the_header() -> None:
    header = attachment_header('..\\..\\evil"; filename=x.exe')
    assert header == ("attachment; filename=\"evil__ filename=x.exe\"; filename*=UTF-8''evil%22%3B%20filename%3Dx.exe")
