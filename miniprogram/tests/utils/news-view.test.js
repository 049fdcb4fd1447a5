const newsView = require('../../utils/news-view')
const info = require('../helpers/info-fixtures')

// 2026-11-24 20:30 in Beijing.
const NOW = Date.UTC(2026, 10, 24, 12, 30)

describe('tabs', () => {
  test('推荐 and 全部, then every topic in the server order', () => {
    expect(newsView.tabs({ items: info.TOPICS })).toEqual([
      { key: 'mine', label: '推荐' },
      { key: 'all', label: '全部' },
      { key: 'topic:party', label: '党建要闻' },
      { key: 'topic:education', label: '教育' },
      { key: 'topic:policy', label: '政策解读' },
    ])
  })

  test('without topics (not loaded, failed) only 推荐 and 全部; a topic without key is left out', () => {
    expect(newsView.tabs(null).map((tab) => tab.key)).toEqual(['mine', 'all'])
    expect(newsView.tabs({ items: [{ label: '无键' }, { key: 'mine' }] }).map((tab) => tab.key)).toEqual([
      'mine',
      'all',
      // A topic whose key is 'mine' is still its own tab.
      'topic:mine',
    ])
  })

  test('hasTab', () => {
    const tabs = newsView.tabs({ items: info.TOPICS })
    expect(newsView.hasTab(tabs, 'topic:party')).toBe(true)
    expect(newsView.hasTab(tabs, 'party')).toBe(false)
    expect(newsView.hasTab(null, 'mine')).toBe(false)
  })
})

test.each([
  ['mine', { mine: true }],
  ['all', {}],
  ['topic:party', { topic: 'party' }],
  ['topic:mine', { topic: 'mine' }],
  [undefined, {}],
])('listParams(%s) is %j', (tab, params) => {
  expect(newsView.listParams(tab)).toEqual(params)
})

test('viewNewsItem: title, source name, relative time, summary, topic labels', () => {
  const item = info.newsItem(9, {
    summary: ' 全文摘要\n',
    published_at: '2026-11-24T12:25:00Z',
    topics: [
      { key: 'party', label: '党建要闻' },
      { key: 'policy', label: '' },
    ],
  })

  expect(newsView.viewNewsItem(item, NOW)).toEqual({
    id: 9,
    title: '新闻 9',
    sourceName: '新华网',
    timeText: '5分钟前',
    summary: '全文摘要',
    topicLabels: ['党建要闻', 'policy'],
  })
})

test('viewNewsItem without source_name falls back to the source; missing fields are empty', () => {
  const view = newsView.viewNewsItem({ id: 1, source: 'people', published_at: null }, NOW)

  expect(view).toEqual({ id: 1, title: '', sourceName: 'people', timeText: '', summary: '', topicLabels: [] })
})

test('viewNewsDetail: the full Beijing time and the url', () => {
  const view = newsView.viewNewsDetail(info.newsItem(9, { published_at: '2026-11-20T02:05:00Z' }), NOW)

  expect(view).toMatchObject({
    id: 9,
    title: '新闻 9',
    sourceName: '新华网',
    timeText: '11月20日 10:05',
    url: 'https://news.example.cn/a/9.html',
  })
  expect(newsView.viewNewsDetail({ id: 2, url: 7 }, NOW).url).toBe('')
})

describe('topic choices', () => {
  test('every topic, checked when chosen; a chosen key no longer listed is dropped', () => {
    const choices = newsView.topicChoices({ items: info.TOPICS }, { topics: ['policy', 'gone'] })

    expect(choices).toEqual([
      { key: 'party', label: '党建要闻', checked: false },
      { key: 'education', label: '教育', checked: false },
      { key: 'policy', label: '政策解读', checked: true },
    ])
    expect(newsView.checkedKeys(choices)).toEqual(['policy'])
  })

  test('withChecked follows the checkbox group, keeping the order shown', () => {
    const choices = newsView.topicChoices({ items: info.TOPICS }, null)

    const changed = newsView.withChecked(choices, ['policy', 'party'])

    expect(newsView.checkedKeys(changed)).toEqual(['party', 'policy'])
    expect(newsView.checkedKeys(newsView.withChecked(changed, []))).toEqual([])
    expect(newsView.topicChoices(null, null)).toEqual([])
  })
})
