"""Inspections (kiểm tra) of how units carry out their assignments (Đắk Lắk Đ.12–18,
Quỳnh Nhai Đ.9–15): decision, team, findings, results report, inspection file."""
