"""QR codes and printable A4 posters whose WhatsApp prefilled message pre-routes a tip to a district/station."""
