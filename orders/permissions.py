"""The names of the orders app's permissions, for every has_perm() check.

The permissions themselves are declared on Order.Meta; which role holds them is
the table in accounts/roles.py (which names them as plain strings, since
accounts never imports orders).
"""

VIEW = "orders.view_order"
FULFIL = "orders.fulfil_order"
REFUND = "orders.refund_order"
DASHBOARD = "orders.view_sales_dashboard"
# Managers edit the catalogue; they hear of low stock.
EDIT_CATALOGUE = "orders.change_product"
# Managers keep the delivery zones.
EDIT_DELIVERY_ZONES = "orders.change_deliveryzone"

# Either of these lets a user see every customer's orders.
SEE_ALL_ORDERS = (VIEW, FULFIL)
