"""USPS's ``statusSummary`` sentences, one template per event text (``{t}`` time, ``{d}`` date,
``{w}`` where, ``{in_w}`` " in <where>" or nothing, ``{s}`` the status text); ``render.status_summary``
fills them in. [OBS] where quoted in the USPS/api-examples README, the spec's examples or karrio's
fixture ("… at 1:58 pm on November 22, 2024 in HERNANDO, FL 34442."); otherwise [INFER] in the same
style (FIDELITY.md)."""

from __future__ import annotations

SUMMARIES: dict[str, str] = {
    "Shipping Label Created, USPS Awaiting Item": (
        "A shipping label has been prepared for your item at {t} on {d}{in_w}. "
        "This does not indicate receipt by the USPS or the actual mailing date."
    ),
    "USPS in possession of item": "USPS is now in possession of your item as of {t} on {d}{in_w}.",
    "Arrived at USPS Regional Origin Facility": (
        "Your item arrived at our {w} origin facility on {d} at {t}. "
        "The item is currently in transit to the destination."
    ),
    "Arrived at USPS Regional Facility": (
        "Your item arrived at our {w} facility on {d} at {t}. "
        "The item is currently in transit to the destination."
    ),
    "Processing at USPS Facility": (
        "Your item is being processed at our USPS facility in {w} on {d} at {t}. "
        "The item is currently in transit to the destination."
    ),
    "Departed USPS Regional Facility": (
        "Your item departed our {w} facility on {d} at {t}. "
        "The item is currently in transit to the destination."
    ),
    "Departed Post Office": (
        "Your item has left our acceptance facility and is in transit to a sorting facility "
        "on {d} at {t}{in_w}."
    ),
    "In Transit to Next Facility": (
        "Your package is moving within the USPS network and is on track to be delivered to its "
        "final destination. It is currently in transit to the next facility."
    ),
    "In Transit, Arriving Late": (
        "Your package will arrive later than expected, but is still on its way. "
        "It is currently in transit to the next facility."
    ),
    "Arrived at Post Office": "Your item arrived at the Post Office at {t} on {d}{in_w}.",
    "Out for Delivery": "Your item is out for delivery on {d} at {t}{in_w}.",
    "Delivered": "Your item was delivered at {t} on {d}{in_w}.",
    "Delivered, Front Door/Porch": "Your item was delivered at the front door or porch at {t} on {d}{in_w}.",
    "Delivered, In/At Mailbox": "Your item was delivered in or at the mailbox at {t} on {d}{in_w}.",
    "Delivered, Parcel Locker": "Your item was delivered to a parcel locker at {t} on {d}{in_w}.",
    "Delivered, Front Desk/Reception/Mail Room": (
        "Your item has been delivered and is available at a front desk, reception area, or mail room "
        "at {t} on {d}{in_w}."
    ),
    "Delivered, Left with Individual": (
        "Your item was delivered to an individual at the address at {t} on {d}{in_w}."
    ),
    "Delivered, Garage or Other Location at Address": (
        "Your item was delivered in or at the garage or other location at the address at {t} on {d}{in_w}."
    ),
    "Delivered, Individual Picked Up at Post Office": (
        "Your item was picked up at the post office at {t} on {d}{in_w}."
    ),
    "Delivered, Individual Picked Up at Postal Facility": (
        "Your item was picked up at a postal facility at {t} on {d}{in_w}."
    ),
    "Delivered, To Original Sender": "Your item was delivered to the original sender at {t} on {d}{in_w}.",
    "Available for Pickup": "Your item arrived at the {w} post office at {t} on {d} and is ready for pickup.",
    "Notice Left": "We attempted to deliver your item at {t} on {d}{in_w} and a notice was left.",
    "Notice Left (No Authorized Recipient Available)": (
        "We attempted to deliver your item at {t} on {d}{in_w} and a notice was left because an "
        "authorized recipient was not available."
    ),
    "Delivery Attempted - No Access to Delivery Location": (
        "We attempted to deliver your package at {t} on {d}{in_w} but could not access the delivery location."
    ),
    "Refused": (
        "Your item was refused by the addressee at {t} on {d}{in_w} and is being returned to the sender."
    ),
    "Insufficient Address": (
        "Your item could not be delivered on {d} at {t}{in_w} because the address was insufficient. "
        "It is being returned to the sender."
    ),
    "Return to Sender": "Your item is being returned to the sender as of {t} on {d}{in_w}.",
    "Unclaimed/Being Returned to Sender": (
        "Your item is being returned to the sender because it was not claimed by the addressee "
        "at {t} on {d}{in_w}."
    ),
    "Rescheduled to Next Delivery Day": (
        "Your item was rescheduled for delivery on the next delivery day at {t} on {d}{in_w}."
    ),
    "Delivery Status Not Updated": (
        "The delivery status of your item has not been updated as of {t} on {d}{in_w}. "
        "We apologize that it may arrive later than expected."
    ),
    "Held in Customs": "Your item is being held in customs as of {t} on {d}{in_w}.",
    "Customs Clearance Processing Complete": "Your item has cleared customs at {t} on {d}{in_w}.",
    "USPS Handoff to Shipping Partner": (
        "Your item was handed off to a shipping partner for delivery at {t} on {d}{in_w}."
    ),
}
FALLBACK = "The status of your item is {s} as of {t} on {d}{in_w}."
