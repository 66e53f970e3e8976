"""Numbers as people read them here: a decimal comma (TCVN, and what Vietnamese readers expect: 95,4%, 18,1 giờ),
the one rule asked by the pages (the `decimal` template filter), the exports and the designer's figures."""


def decimal(value: float, digits: int = 1, *, trim: bool = False) -> str:
    """`value` with `digits` decimals and a comma ("18,1"); `trim` drops a zero fraction ("3" for 3.0)."""
    text = f"{value:.{digits}f}".replace(".", ",")
    return text.removesuffix("," + "0" * digits) if trim and digits else text
