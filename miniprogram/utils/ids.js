// Ids as they arrive from a page's query or a tapped row's data-*: text or a number.

// A positive whole number, else 0 (missing, empty, negative, fractional or not a number).
function positiveId(value) {
  var id = Number(value)
  return id > 0 && id % 1 === 0 ? id : 0
}

module.exports = {
  positiveId: positiveId,
}
