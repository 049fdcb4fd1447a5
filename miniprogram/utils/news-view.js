// How the news pages (pages/news/*) put the bodies of services/news.js into words: the tabs
// (推荐, 全部 and one per topic), a list row, the detail page and the topic choices of the settings
// page. Pure functions, tested alone.

var time = require('./time')

var TAB_MINE = 'mine'
var TAB_ALL = 'all'
// A topic's tab key is its key after this prefix, so that no topic key can be taken for 推荐/全部.
var TOPIC_PREFIX = 'topic:'

var FIXED_TABS = [
  { key: TAB_MINE, label: '推荐' },
  { key: TAB_ALL, label: '全部' },
]

// GET /news/topics → the tabs: 推荐, 全部, then the topics in the server's order.
function tabs(topicsBody) {
  var topics = (topicsBody && topicsBody.items) || []
  return FIXED_TABS.concat(
    topics
      .filter(function (topic) {
        return topic && topic.key
      })
      .map(function (topic) {
        return { key: TOPIC_PREFIX + topic.key, label: topic.label || topic.key }
      })
  )
}

function hasTab(tabList, key) {
  return (tabList || []).some(function (tab) {
    return tab.key === key
  })
}

// The GET /news parameters of a tab (its page added by the caller).
function listParams(tabKey) {
  if (tabKey === TAB_MINE) return { mine: true }
  if (typeof tabKey === 'string' && tabKey.indexOf(TOPIC_PREFIX) === 0) return { topic: tabKey.slice(TOPIC_PREFIX.length) }
  return {}
}

function topicLabels(item) {
  return ((item && item.topics) || [])
    .map(function (topic) {
      return (topic && (topic.label || topic.key)) || ''
    })
    .filter(Boolean)
}

// The summary is plain text (the server strips the feeds' HTML), possibly empty.
function summaryText(item) {
  return typeof item.summary === 'string' ? item.summary.trim() : ''
}

function sourceName(item) {
  return item.source_name || item.source || ''
}

// One row of GET /news.
function viewNewsItem(item, now) {
  return {
    id: item.id,
    title: item.title || '',
    sourceName: sourceName(item),
    timeText: time.relativeTime(item.published_at, now),
    summary: summaryText(item),
    topicLabels: topicLabels(item),
  }
}

// The detail page of an item (as the list brought it): the row with the full time and the link;
// the summary's line breaks are kept there.
function viewNewsDetail(item, now) {
  return Object.assign(viewNewsItem(item, now), {
    timeText: time.formatBeijing(item.published_at, now),
    url: typeof item.url === 'string' ? item.url : '',
  })
}

// The settings page's checkboxes: every topic, checked when the member chose it. A chosen key the
// server no longer lists is dropped (saving it would be refused: 422 unknown_topic).
function topicChoices(topicsBody, preferencesBody) {
  var chosen = (preferencesBody && preferencesBody.topics) || []
  return ((topicsBody && topicsBody.items) || [])
    .filter(function (topic) {
      return topic && topic.key
    })
    .map(function (topic) {
      return { key: topic.key, label: topic.label || topic.key, checked: chosen.indexOf(topic.key) !== -1 }
    })
}

// The checkboxes after a checkbox-group change (its detail.value: the checked keys).
function withChecked(choices, keys) {
  var checked = keys || []
  return (choices || []).map(function (choice) {
    return { key: choice.key, label: choice.label, checked: checked.indexOf(choice.key) !== -1 }
  })
}

// The keys checked, in the order shown.
function checkedKeys(choices) {
  return (choices || [])
    .filter(function (choice) {
      return choice.checked
    })
    .map(function (choice) {
      return choice.key
    })
}

module.exports = {
  TAB_MINE: TAB_MINE,
  tabs: tabs,
  hasTab: hasTab,
  listParams: listParams,
  viewNewsItem: viewNewsItem,
  viewNewsDetail: viewNewsDetail,
  topicChoices: topicChoices,
  withChecked: withChecked,
  checkedKeys: checkedKeys,
}
