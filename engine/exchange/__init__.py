"""Document exchange with the national hub (edXML): the status messages sent back to a
document's sender (outbox) and the folder the document-management software drops messages in."""
