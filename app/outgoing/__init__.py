"""Văn bản đi: drafts and versions, reviews, personal signature, number and seal, dispatch, tracking, recall.

Glossary: dự thảo = draft; trình ký = submit for signature; ký duyệt = approve and sign; cấp số = numbering;
đóng dấu / ký số của cơ quan = organization signature (seal); phát hành = issue; nơi nhận = recipient;
thu hồi = recall; thay thế = replace; đính chính = correct; sổ đăng ký văn bản đi = outgoing register.
The default procedure is processes/outgoing.bpmn (NĐ 30/2020 Điều 10–19; legal.md §1.5).
"""
