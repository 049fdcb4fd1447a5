// 每日答题: today's questions (单选题, 多选题, 判断题), drawn by the server on the first request of
// the Beijing day and the same all day. The member picks an option of each (one or more of a
// 多选题); the answers go only once every question has one, and the page names the questions
// still without. The server scores the quiz once: the page then shows the score, the points it
// earned, and for each question right or wrong with the right answer and the explanation.
//
// Only the first submission counts. A quiz submitted before (on load, or answered 409
// already_submitted because it was submitted elsewhere meanwhile, or because a first send
// arrived though its answer was lost) is loaded again and shown as the result, with the points it
// earned. The answers go with the id of the quiz they answer (quiz_id): a quiz loaded before
// midnight and submitted after it is refused (409 quiz_expired; without an id the server would
// answer 409 no_quiz or 422 not_in_quiz): the page loads the new day's questions, keeping the
// picks of any question that is still there, and the next submission names the new quiz.
//
// The picks live in data.picks (utils/study-quiz.js); the body they belong to in this.body.

var study = require('../../services/study')
var studyQuiz = require('../../utils/study-quiz')
var errors = require('../../api/errors')
var feedback = require('../../utils/feedback')

// The refusals of a submission that loading the quiz again answers, with what the page says.
var RELOAD_NOTES = {
  already_submitted: '今天已经提交过答题，每天只计首次提交的结果',
  quiz_expired: '已是新的一天，题目已更新，请重新作答',
  no_quiz: '已是新的一天，题目已更新，请重新作答',
  not_in_quiz: '题目已更新，请重新作答',
}

function refusal(error) {
  return error instanceof errors.ApiError && (error.status === 409 || error.status === 422) ? error.code : ''
}

// No question for the member in the bank (404 no_questions).
function isEmptyBank(error) {
  return error instanceof errors.ApiError && error.status === 404 && error.code === 'no_questions'
}

// An account without a member record (403 no_member): asking again changes nothing.
function isFinal(error) {
  return error instanceof errors.ApiError && error.status === 403
}

function scrollToTop() {
  wx.pageScrollTo({ scrollTop: 0, duration: 0 })
}

Page({
  data: {
    loading: true,
    errorMessage: '',
    canRetry: true,
    empty: false, // no question in the bank: 题库暂无题目
    quiz: null, // studyQuiz.viewQuiz
    picks: {}, // question id → option indexes
    missing: [], // the numbers of the questions the member tried to submit without
    error: '', // studyQuiz.missingText of `missing`
    submitting: false,
    note: '', // why the quiz was loaded again after a submission
  },

  onLoad: function () {
    return this.load()
  },

  onPullDownRefresh: function () {
    return this.load().then(function () {
      wx.stopPullDownRefresh()
    })
  },

  // Today's quiz, with the picks made so far that still fit it. Never rejects.
  load: function () {
    var page = this
    page.setData({ loading: true, errorMessage: '' })
    return study.todayQuiz().then(
      function (body) {
        page.show(body)
      },
      function (error) {
        if (isEmptyBank(error)) {
          page.body = null
          page.setData({ loading: false, empty: true, quiz: null })
          return
        }
        page.setData({ loading: false, errorMessage: errors.userMessage(error), canRetry: !isFinal(error) })
        feedback.leaveIfSignedOut(error)
      }
    )
  },

  show: function (body) {
    this.body = body || {}
    var picks = studyQuiz.keepPicks(this.body, this.data.picks)
    var quiz = studyQuiz.viewQuiz(this.body, picks, [])
    this.setData({ loading: false, errorMessage: '', empty: quiz.empty, quiz: quiz, picks: picks, missing: [], error: '' })
  },

  // A tap on an option: picked (a 多选题's toggled). Nothing once submitted or while sending.
  choose: function (event) {
    var dataset = event.currentTarget.dataset
    var quiz = this.data.quiz
    if (!this.body || !quiz || quiz.submitted || this.data.submitting) return
    var question = (this.body.questions || []).filter(function (item) {
      return String(item.id) === String(dataset.question)
    })[0]
    var picks = studyQuiz.pick(this.data.picks, question, Number(dataset.index))
    if (picks === this.data.picks) return
    // The questions named as missing stay named until answered.
    var stillMissing = studyQuiz.missingNumbers(this.body, picks)
    var missing = this.data.missing.filter(function (number) {
      return stillMissing.indexOf(number) !== -1
    })
    this.setData({
      picks: picks,
      missing: missing,
      error: studyQuiz.missingText(missing),
      quiz: studyQuiz.viewQuiz(this.body, picks, missing),
    })
  },

  // POST /quiz/today with the quiz's id, once every question has an answer. Never rejects.
  submit: function () {
    var page = this
    var quiz = page.data.quiz
    if (page.data.submitting || !page.body || !quiz || quiz.submitted || quiz.empty) return Promise.resolve()
    var missing = studyQuiz.missingNumbers(page.body, page.data.picks)
    if (missing.length) {
      page.setData({
        missing: missing,
        error: studyQuiz.missingText(missing),
        quiz: studyQuiz.viewQuiz(page.body, page.data.picks, missing),
      })
      return Promise.resolve()
    }
    page.setData({ submitting: true, error: '', note: '' })
    return study.submitQuiz(studyQuiz.answersOf(page.body, page.data.picks), page.body.id).then(
      function (body) {
        page.show(body)
        page.setData({ submitting: false })
        scrollToTop()
      },
      function (error) {
        var note = RELOAD_NOTES[refusal(error)]
        if (!note) {
          page.setData({ submitting: false })
          feedback.showError(error)
          return
        }
        // Still submitting while it loads, so that the answers are not sent again meanwhile.
        page.setData({ note: note })
        return page.load().then(function () {
          page.setData({ submitting: false })
          scrollToTop()
        })
      }
    )
  },
})
