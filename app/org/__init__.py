"""Agencies, units, people, roles, delegation and authentication.

Glossary: agency = cơ quan (identified by its mã định danh), unit = phòng/ban/đơn vị, position = chức vụ,
role = vai trò, delegation = ủy quyền, clerk = văn thư, leader = lãnh đạo, specialist = chuyên viên,
archivist = lưu trữ, process designer = người thiết kế quy trình, administrator = quản trị hệ thống.
"""
