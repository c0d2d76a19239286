"""Tasks proposed from a directive's own text (đề xuất nhiệm vụ từ nội dung văn bản): the text
is read (pasted, DOCX, PDF text layer, scanned PDF or image through OCR), split into sentences,
and each sentence that gives a unit a duty becomes a proposal with its lead and coordinating
units, its deadline and the sentence itself. Nothing is registered here: the clerk confirms."""
