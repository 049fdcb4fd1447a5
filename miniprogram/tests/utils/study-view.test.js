const view = require('../../utils/study-view')

// 2026-11-24 20:30 in Beijing (12:30 UTC).
const NOW = Date.UTC(2026, 10, 24, 12, 30)

describe('durationText', () => {
  test.each([
    [0, '0秒'],
    [null, '0秒'],
    [-4, '0秒'],
    [45.9, '45秒'],
    [120, '2分钟'],
    [150.4, '2分30秒'],
    [3600, '1小时'],
    [3900, '1小时5分'],
  ])('%p → %s', (seconds, text) => {
    expect(view.durationText(seconds)).toBe(text)
  })
})

test('readableHtml fits images to the screen and changes nothing else', () => {
  expect(view.readableHtml('<p>一</p><IMG src="https://x/a.png"><img alt="b">')).toBe(
    '<p>一</p><img style="max-width:100%;height:auto;display:block;" src="https://x/a.png"><img style="max-width:100%;height:auto;display:block;" alt="b">'
  )
  expect(view.readableHtml(null)).toBe('')
})

describe('progressView', () => {
  test('counted time against the minimum', () => {
    expect(view.progressView(90, 120, false)).toEqual({
      seconds: 90,
      secondsText: '1分30秒',
      neededText: '2分钟',
      remainingText: '还需学习 30秒',
      studied: false,
      percent: 75,
    })
  })

  test('studied: full, nothing remaining', () => {
    expect(view.progressView(130.5, 120, true)).toMatchObject({ studied: true, percent: 100, remainingText: '' })
  })
})

describe('materials', () => {
  test('a list item', () => {
    expect(
      view.viewMaterialItem(
        {
          id: 31,
          org_id: 1,
          org_name: '某某大学党委',
          kind: 'video',
          title: '党史微课',
          summary: null,
          category: 'history',
          category_label: '党史',
          tags: ['党史', ''],
          min_dwell_seconds: 300,
          status: 'published',
          published_at: '2026-11-20T02:00:00+00:00',
          my_seconds: 150.5,
          studied: false,
        },
        NOW
      )
    ).toEqual({
      id: 31,
      title: '党史微课',
      summary: '',
      kind: 'video',
      kindLabel: '视频',
      category: 'history',
      categoryLabel: '党史',
      orgName: '某某大学党委',
      tags: ['党史'],
      publishedText: '11月20日',
      dwellText: '学习满 5分钟 计为已学习',
      studied: false,
      progressText: '已学 2分30秒',
    })
  })

  test('the member’s reading of a list item: 已学习, the time so far, or nothing yet', () => {
    expect(view.viewMaterialItem({ id: 1, my_seconds: 400, studied: true }, NOW)).toMatchObject({ studied: true, progressText: '已学习' })
    expect(view.viewMaterialItem({ id: 1, my_seconds: 45, studied: false }, NOW)).toMatchObject({ studied: false, progressText: '已学 45秒' })
    // Nothing read, less than a second, or a server that does not say: nothing shown.
    expect(view.viewMaterialItem({ id: 1, my_seconds: 0, studied: false }, NOW).progressText).toBe('')
    expect(view.viewMaterialItem({ id: 1, my_seconds: 0.4, studied: false }, NOW).progressText).toBe('')
    expect(view.viewMaterialItem({ id: 1 }, NOW)).toMatchObject({ studied: false, progressText: '' })
  })

  test('the category chips from GET /categories: 全部 first, then the server’s, in its order', () => {
    expect(
      view.categoryChips({
        items: [
          { code: 'policy', label: '政策文件' },
          { code: 'theory', label: '理论学习' },
          { code: 'new', label: '新类别' },
          { code: 'theory', label: '重复' },
          { code: '', label: '无代码' },
          { label: '也无代码' },
        ],
      })
    ).toEqual([
      { value: '', label: '全部' },
      { value: 'policy', label: '政策文件' },
      { value: 'theory', label: '理论学习' },
      { value: 'new', label: '新类别' },
    ])
    // A label the server leaves out: the built-in one, else the code.
    expect(view.categoryChips({ items: [{ code: 'rules' }, { code: 'x' }] }).map((chip) => chip.label)).toEqual(['全部', '党规党纪', 'x'])
    // No categories at all: the built-in ones.
    expect(view.categoryChips({ items: [] })).toEqual(view.CATEGORIES)
    expect(view.categoryChips(null)).toEqual(view.CATEGORIES)
  })

  test('hasChip: only the chips shown', () => {
    const chips = view.categoryChips({ items: [{ code: 'new', label: '新类别' }] })
    expect(view.hasChip(chips, 'new')).toBe(true)
    expect(view.hasChip(chips, '')).toBe(true)
    expect(view.hasChip(chips, 'theory')).toBe(false)
    expect(view.hasChip(null, '')).toBe(false)
  })

  test('an article: its HTML; a document: the PDF as attachments lists a file', () => {
    const article = view.viewMaterial({ id: 1, kind: 'article', status: 'published', body_html: '<p>正文</p>', min_dwell_seconds: 120 }, NOW)
    expect(article).toMatchObject({ kind: 'article', kindLabel: '文章', html: '<p>正文</p>', videoUrl: '', document: null, unpublished: false, minDwellSeconds: 120 })

    const doc = view.viewMaterial({ id: 2, kind: 'document', status: 'draft', document_name: '党章.pdf', document_size: 2 * 1024 * 1024 }, NOW)
    expect(doc.document).toEqual({ id: 2, name: '党章.pdf', filename: '党章.pdf', sizeText: '2.0 MB', image: false, pdf: true })
    expect(doc.unpublished).toBe(true)
    expect(doc.html).toBe('')

    expect(view.viewMaterial({ id: 3, kind: 'document', document_name: null }, NOW).document).toBeNull()
    expect(view.viewMaterial({ id: 4, kind: 'video', video_url: 'https://v.example.cn/1.mp4' }, NOW).videoUrl).toBe('https://v.example.cn/1.mp4')
  })

  test('categories: 全部 first, then the server’s six', () => {
    expect(view.CATEGORIES.map((c) => c.value)).toEqual(['', 'theory', 'history', 'policy', 'rules', 'model', 'other'])
    // The check of a chip tapped (pages/study/index switchCategory).
    expect(view.hasChip(view.CATEGORIES, 'rules')).toBe(true)
    expect(view.hasChip(view.CATEGORIES, 'toString')).toBe(false)
  })
})

describe('plans', () => {
  function plan(overrides = {}) {
    return Object.assign(
      {
        id: 9,
        org_id: 3,
        org_name: '本科生第一党支部',
        title: '十一月学习计划',
        description: null,
        deadline: '2026-11-27',
        status: 'published',
        items: [
          { material_id: 31, title: '党章', kind: 'article', min_dwell_seconds: 120, seconds: 130, studied: true },
          { material_id: 32, title: '党史微课', kind: 'video', min_dwell_seconds: 300, seconds: 45.5, studied: false },
          { material_id: 33, title: '条例', kind: 'document', min_dwell_seconds: 300, seconds: 0, studied: false },
        ],
        studied: 1,
        total: 3,
        complete: false,
        overdue: false,
      },
      overrides
    )
  }

  test('progress, the days left and each material', () => {
    const [viewed] = view.viewPlans({ items: [plan()] }, NOW)
    expect(viewed).toMatchObject({
      title: '十一月学习计划',
      deadlineText: '11月27日',
      leftText: '还剩 3 天',
      overdue: false,
      state: 'active',
      stateLabel: '进行中',
      progressText: '1/3',
      percent: 33,
    })
    expect(viewed.items.map((item) => [item.materialId, item.kindLabel, item.progressText, item.studied])).toEqual([
      [31, '文章', '已学习', true],
      [32, '视频', '已学 45秒', false],
      [33, '文档', '未学习', false],
    ])
  })

  test('overdue and complete', () => {
    expect(view.viewPlan(plan({ deadline: '2026-11-22', overdue: true }), '2026-11-24')).toMatchObject({
      overdue: true,
      state: 'overdue',
      stateLabel: '已逾期',
      leftText: '已逾期 2 天',
    })
    expect(view.viewPlan(plan({ deadline: '2026-11-24' }), '2026-11-24').leftText).toBe('今天截止')
    expect(view.viewPlan(plan({ complete: true, studied: 3 }), '2026-11-24')).toMatchObject({ state: 'complete', stateLabel: '已完成', leftText: '', percent: 100 })
  })
})

describe('punch-ins', () => {
  test('today’s punch-in is found among the items', () => {
    const viewed = view.viewPunchIns(
      {
        today: '2026-11-24',
        punched_today: true,
        streak: 4,
        items: [
          { id: 8, day: '2026-11-24', streak: 4, reflection: '学习党章', reflection_status: 'published', created_at: '2026-11-24T00:05:00+00:00' },
          { id: 7, day: '2026-11-23', streak: 3, reflection: null, reflection_status: null, created_at: '2026-11-23T12:00:00+00:00' },
        ],
      },
      NOW
    )
    expect(viewed).toMatchObject({ punchedToday: true, streak: 4 })
    expect(viewed.todayItem).toEqual({
      id: 8,
      day: '2026-11-24',
      dayText: '11月24日',
      streak: 4,
      reflection: '学习党章',
      reflectionStatus: 'published',
      reflectionStatusLabel: '',
      photoUrl: '',
      timeText: '08:05',
    })
    expect(viewed.items[1]).toMatchObject({ dayText: '11月23日', reflection: '', reflectionStatus: '', reflectionStatusLabel: '' })
  })

  test.each([
    ['pending', '审核中'],
    ['rejected', '未通过审核'],
    ['published', ''],
    [null, ''],
    [undefined, ''],
  ])('a reflection’s status %p: tag %p', (status, label) => {
    const item = { id: 8, day: '2026-11-24', streak: 4, reflection: status ? '学习党章' : null, reflection_status: status, created_at: '2026-11-24T00:05:00+00:00' }
    expect(view.viewPunchIn(item, NOW)).toMatchObject({ reflectionStatus: status || '', reflectionStatusLabel: label })
  })

  test('the note on a reflection held for review: only for one just sent (201) and pending', () => {
    const body = { id: 8, day: '2026-11-24', streak: 4, reflection: '心得', reflection_status: 'pending', created: true, points_awarded: 2 }
    expect(view.viewPunchResult(body, NOW)).toMatchObject({
      created: true,
      title: '打卡成功',
      pointsText: '+2 积分',
      reflectionStatusLabel: '审核中',
      pendingNote: '你的心得包含需要审核的内容，审核通过后他人才能看到',
    })
    // Today's punch-in made before (200): its tag says it.
    expect(view.viewPunchResult(Object.assign({}, body, { created: false, points_awarded: 0 }), NOW)).toMatchObject({ reflectionStatusLabel: '审核中', pendingNote: '' })
    expect(view.viewPunchResult(Object.assign({}, body, { reflection_status: 'rejected' }), NOW)).toMatchObject({ reflectionStatusLabel: '未通过审核', pendingNote: '' })
    expect(view.viewPunchResult(Object.assign({}, body, { reflection_status: 'published' }), NOW)).toMatchObject({ reflectionStatusLabel: '', pendingNote: '' })
    expect(view.viewPunchResult(Object.assign({}, body, { reflection: null, reflection_status: null }), NOW)).toMatchObject({ reflectionStatusLabel: '', pendingNote: '' })
  })

  test('a punch-in’s photo: its address as the server gives it; none without', () => {
    const item = { id: 8, day: '2026-11-24', streak: 4, reflection: null, photo_url: '/api/v1/study/punch-ins/8/photo', created_at: '2026-11-24T00:05:00+00:00' }
    expect(view.viewPunchIn(item, NOW).photoUrl).toBe('/api/v1/study/punch-ins/8/photo')
    expect(view.viewPunchResult(Object.assign({ created: false }, item), NOW).photoUrl).toBe('/api/v1/study/punch-ins/8/photo')
    expect(view.viewPunchIn(Object.assign({}, item, { photo_url: null }), NOW).photoUrl).toBe('')
  })

  test('201 and 200', () => {
    expect(view.viewPunchResult({ id: 8, day: '2026-11-24', streak: 4, reflection: null, created: true, points_awarded: 2 }, NOW)).toMatchObject({
      created: true,
      title: '打卡成功',
      pointsText: '+2 积分',
      streak: 4,
    })
    expect(view.viewPunchResult({ id: 8, day: '2026-11-24', streak: 4, reflection: '早上', created: false, points_awarded: 0 }, NOW)).toMatchObject({
      created: false,
      title: '今日已打卡',
      pointsText: '',
      reflection: '早上',
    })
  })

  test('the reflection: optional, 500 characters as the server counts them', () => {
    expect(view.reflectionError('')).toBe('')
    expect(view.reflectionError('学'.repeat(500))).toBe('')
    expect(view.reflectionError(' ' + '学'.repeat(500) + ' ')).toBe('')
    expect(view.reflectionError('😀'.repeat(500))).toBe('')
    expect(view.reflectionError('学'.repeat(501))).toBe('心得不能超过500字')
  })
})

describe('points', () => {
  test('the summary with the rank', () => {
    expect(
      view.viewPointsSummary({
        total: 57,
        today: 4,
        by_action: [
          { action: 'reading', label: '阅读学习', points: 31 },
          { action: 'punch_in', label: '学习打卡', points: 26 },
        ],
        rank: { rank: 3, of: 20 },
        history: { items: [], meta: {} },
      })
    ).toEqual({
      total: 57,
      today: 4,
      byAction: [
        { action: 'reading', label: '阅读学习', points: 31 },
        { action: 'punch_in', label: '学习打卡', points: 26 },
      ],
      rank: 3,
      rankOf: 20,
      rankText: '第 3 名 / 共 20 人',
    })
  })

  test('no place for someone the branch ranking does not count', () => {
    expect(view.viewPointsSummary({ rank: { rank: null, of: 20 } }).rankText).toBe('暂未参与支部排名')
    expect(view.viewPointsSummary({}).rankText).toBe('暂未参与支部排名')
  })

  test('a history entry', () => {
    expect(view.viewPointsEntry({ id: 5, action: 'punch_in', label: '学习打卡', points: 2, day: '2026-11-24', created_at: '2026-11-24T00:05:00+00:00' }, NOW)).toEqual({
      id: 5,
      label: '学习打卡',
      pointsText: '+2',
      whenText: '11月24日 08:05',
    })
  })
})

describe('the branches’ ranking', () => {
  test('branches only, with the member’s own marked', () => {
    const ranking = view.viewRanking(
      {
        period: 'week',
        since: '2026-11-18',
        items: [
          { rank: 1, org_id: 3, org_name: '本科生第一党支部', members: 20, points: 90, per_member: 4.5 },
          { rank: 2, org_id: 4, org_name: '研究生党支部', members: 12, points: 40, per_member: 3.33 },
          { rank: 4, org_id: 5, org_name: '教工党支部', members: 0, points: 0, per_member: 0 },
        ],
      },
      4,
      NOW
    )
    expect(ranking).toMatchObject({ period: 'week', periodLabel: '近7天', sinceText: '11月18日起' })
    expect(ranking.items).toEqual([
      { rank: 1, orgId: 3, orgName: '本科生第一党支部', members: 20, points: 90, perMemberText: '4.5', mine: false, top: true },
      { rank: 2, orgId: 4, orgName: '研究生党支部', members: 12, points: 40, perMemberText: '3.33', mine: true, top: true },
      { rank: 4, orgId: 5, orgName: '教工党支部', members: 0, points: 0, perMemberText: '0', mine: false, top: false },
    ])
  })

  test('all time', () => {
    expect(view.viewRanking({ period: 'all', since: null, items: [] }, 0, NOW)).toMatchObject({ periodLabel: '全部', sinceText: '全部时间', items: [] })
  })
})
