// Ids of a page's query or a tapped row's data-* (utils/ids.js).

const ids = require('../../utils/ids')

test.each([
  [17, 17],
  ['17', 17],
  [0, 0],
  ['0', 0],
  [-3, 0],
  [2.5, 0],
  ['abc', 0],
  ['', 0],
  [null, 0],
  [undefined, 0],
])('positiveId(%p) is %p', (value, id) => {
  expect(ids.positiveId(value)).toBe(id)
})
