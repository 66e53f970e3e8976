from app.exchange.edxml import build_status, message_kind, parse_status
from app.exchange.xmldsig import sign_package, verify_package


def test_status_signed_round_trip(sender):
    data = build_status(
        from_code="000.00.00.H41",
        from_name="UBND tỉnh Nghệ An",
        response_for_code="000.00.00.G22",
        response_for_key="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        response_for_date="2015-09-30",
        response_for_symbol="7816/VPCP-TTĐT",
        code="05",
        description="Đang xử lý",
        staff_name="Nguyễn Văn A",
        staff_unit="Văn phòng",
    )
    signed = sign_package(data, sender.agency.id)
    print(signed.decode())
    assert message_kind(signed) == "status"
    assert verify_package(signed, sender.agency.id).signed
    status = parse_status(signed)
    assert status.code == "05"
