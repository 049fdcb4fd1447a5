// How the study pages (pages/study/*) put the server's bodies into words: pure functions shared by
// the study home, the reader, the punch-in and the points pages — the categories and kinds of
// materials, reading time, plans with their progress and deadlines, punch-ins, points and the
// branches' ranking. The bodies are those of services/study.js, with the server's field names.

var time = require('./time')
var notices = require('./notices')
var attachments = require('./attachments')

// The categories of docs/study.md (server/study/models.py CATEGORIES), in its order, after 全部:
// the chips until GET /categories answers (categoryChips), and should it fail.
var CATEGORIES = [
  { value: '', label: '全部' },
  { value: 'theory', label: '理论学习' },
  { value: 'history', label: '党史' },
  { value: 'policy', label: '政策文件' },
  { value: 'rules', label: '党规党纪' },
  { value: 'model', label: '先进典型' },
  { value: 'other', label: '其他' },
]
var CATEGORY_LABELS = {}
CATEGORIES.forEach(function (category) {
  if (category.value) CATEGORY_LABELS[category.value] = category.label
})

var KIND_LABELS = { article: '文章', video: '视频', document: '文档' }

// The periods of GET /rankings/branches: the server counts back from today (week = the last 7
// days, month the last 30, year the last 365), so they are not calendar weeks or months.
var PERIODS = [
  { value: 'week', label: '近7天' },
  { value: 'month', label: '近30天' },
  { value: 'year', label: '近一年' },
  { value: 'all', label: '全部' },
]

// The server's limit on a punch-in's reflection (心得), counted after trimming.
var REFLECTION_MAX = 500

// A punch-in's reflection_status (docs/safety.md) as a tag by the member's own reflection: held by
// the content check until a committee admin decides (pending), or not approved (rejected); others
// see it only once published. published and null (no reflection) have none.
var REFLECTION_STATUS_LABELS = { pending: '审核中', rejected: '未通过审核' }

// What the member is told right after punching in with a reflection that was held: the punch-in
// itself succeeded and earned its points.
var REFLECTION_PENDING_NOTE = '你的心得包含需要审核的内容，审核通过后他人才能看到'

// GET /categories → the chips of the study home: 全部, then the server's, in its order (those
// without a code left out). An answer without any gives the built-in CATEGORIES.
function categoryChips(body) {
  var seen = {}
  var chips = ((body && body.items) || [])
    .filter(function (item) {
      var code = item && typeof item.code === 'string' ? item.code : ''
      if (!code || seen[code]) return false
      seen[code] = true
      return true
    })
    .map(function (item) {
      return { value: item.code, label: item.label || CATEGORY_LABELS[item.code] || item.code }
    })
  return chips.length ? [CATEGORIES[0]].concat(chips) : CATEGORIES.slice()
}

// Whether `value` is one of `chips` (categoryChips).
function hasChip(chips, value) {
  return (chips || []).some(function (chip) {
    return chip.value === value
  })
}

// Seconds of reading → "45秒", "2分钟", "2分30秒", "1小时5分"; whole seconds, rounded down.
function durationText(seconds) {
  var total = Math.max(0, Math.floor(Number(seconds) || 0))
  var hours = Math.floor(total / 3600)
  var minutes = Math.floor((total % 3600) / 60)
  var rest = total % 60
  if (hours) return hours + '小时' + (minutes ? minutes + '分' : '')
  if (minutes) return rest ? minutes + '分' + rest + '秒' : minutes + '分钟'
  return rest + '秒'
}

// The server's sanitised HTML of an article for <rich-text>: images fitted to the screen width.
// Nothing else is changed; the server has removed scripts, styles and event handlers.
function readableHtml(html) {
  if (typeof html !== 'string') return ''
  return html.replace(/<img\b/gi, '<img style="max-width:100%;height:auto;display:block;"')
}

// "3分20秒 / 需 5分钟": counted reading time against a material's minimum dwell time.
function progressView(seconds, minDwell, studied) {
  var counted = Math.max(0, Number(seconds) || 0)
  var needed = Math.max(0, Number(minDwell) || 0)
  var done = !!studied
  var percent = done || !needed ? (done ? 100 : 0) : Math.min(100, Math.floor((counted / needed) * 100))
  return {
    seconds: counted,
    secondsText: durationText(counted),
    neededText: needed ? durationText(needed) : '',
    remainingText: !done && needed > counted ? '还需学习 ' + durationText(Math.ceil(needed - counted)) : '',
    studied: done,
    percent: percent,
  }
}

// An item of GET /materials.
function viewMaterialItem(item, now) {
  return {
    id: item.id,
    title: item.title || '',
    summary: item.summary || '',
    kind: item.kind || '',
    kindLabel: KIND_LABELS[item.kind] || '',
    category: item.category || '',
    categoryLabel: item.category_label || CATEGORY_LABELS[item.category] || '',
    orgName: item.org_name || '',
    tags: (item.tags || []).filter(Boolean),
    publishedText: item.published_at ? time.dateText(item.published_at, now) : '',
    dwellText: item.min_dwell_seconds ? '学习满 ' + durationText(item.min_dwell_seconds) + ' 计为已学习' : '',
    // The member's own reading of it, as a plan's items say it; '' before any.
    studied: !!item.studied,
    progressText: readingProgressText(item.my_seconds, item.studied),
  }
}

// "已学习" once studied, else "已学 3分20秒" of the time counted so far; '' when none.
function readingProgressText(seconds, studied) {
  if (studied) return '已学习'
  var counted = Math.max(0, Number(seconds) || 0)
  return counted >= 1 ? '已学 ' + durationText(counted) : ''
}

// GET /materials/{id} as the reader shows it. `document` is the PDF as utils/attachments.js
// lists a file (so that attachments.open downloads and opens it), or null.
function viewMaterial(body, now) {
  var kind = body.kind || ''
  var status = body.status || ''
  var document = null
  if (kind === 'document' && body.document_name) {
    document = attachments.view({
      id: body.id,
      filename: body.document_name,
      size: body.document_size,
      content_type: 'application/pdf',
    })
  }
  return {
    id: body.id,
    title: body.title || '',
    summary: body.summary || '',
    kind: kind,
    kindLabel: KIND_LABELS[kind] || '',
    categoryLabel: body.category_label || CATEGORY_LABELS[body.category] || '',
    orgName: body.org_name || '',
    tags: (body.tags || []).filter(Boolean),
    publishedText: body.published_at ? time.dateText(body.published_at, now) : '',
    createdBy: body.created_by || '',
    status: status,
    // A manager previewing a draft or a withdrawn material: no reading time is counted.
    unpublished: status !== '' && status !== 'published',
    html: kind === 'article' ? readableHtml(body.body_html) : '',
    videoUrl: kind === 'video' ? body.video_url || '' : '',
    document: document,
    minDwellSeconds: Number(body.min_dwell_seconds) || 0,
  }
}

// "今天截止", "还剩 3 天", "已逾期 2 天" of a plan's deadline; '' once complete or without a date.
function deadlineLeftText(deadline, todayText, complete) {
  var days = time.dayNumber(deadline) - time.dayNumber(todayText)
  if (complete || isNaN(days)) return ''
  if (days > 0) return '还剩 ' + days + ' 天'
  if (days === 0) return '今天截止'
  return '已逾期 ' + -days + ' 天'
}

// A plan of GET /plans/mine with the member's progress; `todayText` is today in Beijing.
function viewPlan(plan, todayText) {
  var total = Number(plan.total) || 0
  var studied = Number(plan.studied) || 0
  var complete = !!plan.complete
  var overdue = !!plan.overdue
  return {
    id: plan.id,
    title: plan.title || '',
    description: plan.description || '',
    orgName: plan.org_name || '',
    deadlineText: time.dayText(plan.deadline, todayText),
    leftText: deadlineLeftText(plan.deadline, todayText, complete),
    overdue: overdue,
    complete: complete,
    stateLabel: complete ? '已完成' : overdue ? '已逾期' : '进行中',
    state: complete ? 'complete' : overdue ? 'overdue' : 'active',
    progressText: studied + '/' + total,
    percent: total ? Math.floor((studied / total) * 100) : 0,
    items: (plan.items || []).map(function (item) {
      var progress = progressView(item.seconds, item.min_dwell_seconds, item.studied)
      return {
        materialId: item.material_id,
        title: item.title || '',
        kindLabel: KIND_LABELS[item.kind] || '',
        studied: progress.studied,
        progressText: progress.studied ? '已学习' : progress.seconds ? '已学 ' + progress.secondsText : '未学习',
      }
    }),
  }
}

function viewPlans(body, now) {
  var todayText = time.today(now)
  return ((body && body.items) || []).map(function (plan) {
    return viewPlan(plan, todayText)
  })
}

// One punch-in (of GET /punch-ins/me items, or POST /punch-ins).
function viewPunchIn(item, now) {
  return {
    id: item.id,
    day: item.day || '',
    dayText: time.dayText(item.day, time.today(now)),
    streak: Number(item.streak) || 0,
    reflection: item.reflection || '',
    // published, pending or rejected; '' without a reflection.
    reflectionStatus: item.reflection_status || '',
    reflectionStatusLabel: REFLECTION_STATUS_LABELS[item.reflection_status] || '',
    // An API path that needs the session (services/study.js downloadPhoto); '' without a photo.
    photoUrl: item.photo_url || '',
    timeText: item.created_at ? time.beijingClock(item.created_at) : '',
  }
}

// GET /punch-ins/me → today's state, the current streak, today's punch-in and the recent ones.
function viewPunchIns(body, now) {
  body = body || {}
  var items = (body.items || []).map(function (item) {
    return viewPunchIn(item, now)
  })
  var day = body.today || time.today(now)
  var todays = items.filter(function (item) {
    return item.day === day
  })[0]
  return {
    punchedToday: !!body.punched_today,
    streak: Number(body.streak) || 0,
    todayItem: todays || null,
    items: items,
  }
}

// POST /punch-ins: 201 (created) or 200 (today's punch-in, made before). `pendingNote` when the
// reflection just sent was held for review (201 only: a 200's reflection is the one made before,
// whose tag says its status).
function viewPunchResult(body, now) {
  var created = !!(body && body.created)
  var awarded = Number(body && body.points_awarded) || 0
  var held = created && !!body.reflection && body.reflection_status === 'pending'
  return Object.assign(viewPunchIn(body || {}, now), {
    created: created,
    title: created ? '打卡成功' : '今日已打卡',
    pointsText: awarded > 0 ? '+' + awarded + ' 积分' : '',
    pendingNote: held ? REFLECTION_PENDING_NOTE : '',
  })
}

// '' when the reflection may be sent, else why not. It is optional.
function reflectionError(text) {
  var count = notices.charCount(String(text || '').trim())
  return count > REFLECTION_MAX ? '心得不能超过' + REFLECTION_MAX + '字' : ''
}

// "第 3 名 / 共 20 人"; the server gives no place to someone its branch ranking does not count.
function rankText(rank) {
  if (!rank || rank.rank === null || rank.rank === undefined) return '暂未参与支部排名'
  return '第 ' + rank.rank + ' 名 / 共 ' + (Number(rank.of) || 0) + ' 人'
}

// GET /points/me without its history: the totals, by action and the rank in the branch.
function viewPointsSummary(body) {
  body = body || {}
  var rank = body.rank || null
  return {
    total: Number(body.total) || 0,
    today: Number(body.today) || 0,
    byAction: (body.by_action || []).map(function (row) {
      return { action: row.action, label: row.label || row.action || '', points: Number(row.points) || 0 }
    }),
    rank: rank && typeof rank.rank === 'number' ? rank.rank : 0,
    rankOf: rank ? Number(rank.of) || 0 : 0,
    rankText: rankText(rank),
  }
}

// An item of GET /points/me history.
function viewPointsEntry(entry, now) {
  var points = Number(entry.points) || 0
  return {
    id: entry.id,
    label: entry.label || entry.action || '',
    pointsText: (points > 0 ? '+' : '') + points,
    whenText: entry.created_at ? time.formatBeijing(entry.created_at, now) : time.dayText(entry.day, time.today(now)),
  }
}

function periodLabel(period) {
  var found = PERIODS.filter(function (item) {
    return item.value === period
  })[0]
  return found ? found.label : ''
}

// "2.35" of points per member: at most two decimals, no trailing zeros.
function perMemberText(value) {
  var number = Number(value) || 0
  return String(Math.round(number * 100) / 100)
}

// GET /rankings/branches; `myOrgId` marks the member's own branch (本支部).
function viewRanking(body, myOrgId, now) {
  body = body || {}
  return {
    period: body.period || '',
    periodLabel: periodLabel(body.period),
    sinceText: body.since ? time.dayText(body.since, time.today(now)) + '起' : '全部时间',
    items: (body.items || []).map(function (item) {
      return {
        rank: item.rank,
        orgId: item.org_id,
        orgName: item.org_name || '',
        members: Number(item.members) || 0,
        points: Number(item.points) || 0,
        perMemberText: perMemberText(item.per_member),
        mine: !!myOrgId && item.org_id === myOrgId,
        top: item.rank >= 1 && item.rank <= 3,
      }
    }),
  }
}

module.exports = {
  CATEGORIES: CATEGORIES,
  KIND_LABELS: KIND_LABELS,
  PERIODS: PERIODS,
  REFLECTION_MAX: REFLECTION_MAX,
  categoryChips: categoryChips,
  hasChip: hasChip,
  durationText: durationText,
  readableHtml: readableHtml,
  progressView: progressView,
  viewMaterialItem: viewMaterialItem,
  viewMaterial: viewMaterial,
  viewPlan: viewPlan,
  viewPlans: viewPlans,
  viewPunchIn: viewPunchIn,
  viewPunchIns: viewPunchIns,
  viewPunchResult: viewPunchResult,
  reflectionError: reflectionError,
  rankText: rankText,
  viewPointsSummary: viewPointsSummary,
  viewPointsEntry: viewPointsEntry,
  periodLabel: periodLabel,
  perMemberText: perMemberText,
  viewRanking: viewRanking,
}
