// The materials card of a development record (utils/development-materials.js): a material as the
// card shows it and the kinds offered. The card's methods on the pages are
// tests/pages/development-materials.test.js.

const developmentMaterials = require('../../utils/development-materials')

const MATERIAL = {
  id: 9,
  record_id: 12,
  entry_id: null,
  kind: 'thought_report',
  kind_label: '思想汇报',
  title: '2026年第三季度思想汇报',
  filename: '2026年第三季度思想汇报.docx',
  content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  size: 204800,
  note: null,
  url: '/api/v1/development/materials/9/content',
  uploaded_by: '王小明',
  uploaded_at: '2026-11-24T02:00:00Z',
  can_delete: true,
}

test('a material as the card shows it', () => {
  // 2026-11-24 20:30 in Beijing.
  const now = Date.UTC(2026, 10, 24, 12, 30)

  expect(developmentMaterials.viewMaterial(MATERIAL, now)).toEqual({
    id: 9,
    name: '2026年第三季度思想汇报',
    filename: '2026年第三季度思想汇报.docx',
    sizeText: '200 KB',
    image: false,
    pdf: false,
    kind: 'thought_report',
    kindLabel: '思想汇报',
    note: '',
    uploadedText: '王小明 · 11月24日 10:00',
    documentType: 'docx',
    canDelete: true,
  })
  const scan = developmentMaterials.viewMaterial(
    Object.assign({}, MATERIAL, { kind: 'review', kind_label: undefined, title: null, filename: '政审材料.JPG', content_type: 'image/jpeg', can_delete: false }),
    now
  )
  expect(scan).toMatchObject({ name: '政审材料.JPG', kindLabel: '政审材料', image: true, documentType: '', canDelete: false })
})

test('the kinds: the applicant’s four of the server’s ten', () => {
  expect(developmentMaterials.MATERIAL_KINDS.map((kind) => kind.value)).toEqual([
    'application',
    'thought_report',
    'conversion_application',
    'talk_record',
    'assessment',
    'review',
    'certificate',
    'volunteer_form',
    'minutes',
    'other',
  ])
  expect(developmentMaterials.APPLICANT_MATERIAL_KINDS).toEqual([
    { value: 'application', label: '入党申请书' },
    { value: 'thought_report', label: '思想汇报' },
    { value: 'conversion_application', label: '转正申请书' },
    { value: 'other', label: '其他材料' },
  ])
})

test('a file chosen without a title is titled by its name, without the extension, at most 100 characters', () => {
  expect(developmentMaterials.titleOfFile(' 我的入党申请书.pdf ')).toBe('我的入党申请书')
  expect(developmentMaterials.titleOfFile('扫描件.JPEG')).toBe('扫描件')
  expect(developmentMaterials.titleOfFile('notes.txt')).toBe('notes.txt')
  expect(developmentMaterials.titleOfFile(undefined)).toBe('')
  expect(developmentMaterials.titleOfFile('汇'.repeat(120) + '.docx')).toBe('汇'.repeat(100))
  // Not cut inside a character outside the BMP (two UTF-16 units).
  expect(developmentMaterials.titleOfFile('汇'.repeat(99) + '𠀀𠀀.pdf')).toBe('汇'.repeat(99))
})
