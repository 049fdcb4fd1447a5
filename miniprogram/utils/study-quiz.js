// 每日答题 (pages/study/quiz): pure functions over the bodies of GET/POST /study/quiz/today
// (services/study.js) — the member's picks while answering, which questions are still without an
// answer, the body to submit, and the scored quiz as the page shows it.
//
// The picks are an object of question id → the option indexes picked, ascending: one for a
// 单选题 or 判断题, one or more for a 多选题. They are never changed in place; each pick gives a new
// object, so that the page's data only changes through setData.

var KIND_LABELS = { single: '单选题', multiple: '多选题', judge: '判断题' }

// The option letters of the server's import (选项A … 选项F).
var LETTERS = 'ABCDEF'

function letter(index) {
  return typeof index === 'number' && index >= 0 ? LETTERS.charAt(index) : ''
}

function questionsOf(body) {
  return (body && Array.isArray(body.questions) && body.questions) || []
}

function optionsOf(question) {
  return (question && Array.isArray(question.options) && question.options) || []
}

// The option indexes picked for question `id` (none: []).
function choicesOf(picks, id) {
  var list = picks ? picks[String(id)] : null
  return Array.isArray(list) ? list : []
}

function isIndex(question, index) {
  return typeof index === 'number' && index % 1 === 0 && index >= 0 && index < optionsOf(question).length
}

// The picks after the member taps option `index` of `question`: a 多选题 toggles it, the others
// take it as their one answer. An index that is not one of the question's options changes
// nothing (the same object back).
function pick(picks, question, index) {
  index = Number(index)
  if (!question || !isIndex(question, index)) return picks
  var current = choicesOf(picks, question.id)
  var next
  if (question.kind === 'multiple') {
    next =
      current.indexOf(index) === -1
        ? current.concat([index]).sort(function (a, b) {
            return a - b
          })
        : current.filter(function (value) {
            return value !== index
          })
  } else {
    next = [index]
  }
  var result = Object.assign({}, picks)
  result[String(question.id)] = next
  return result
}

// The picks of a quiz loaded again (after a failed submit, say): those of its own questions only,
// and only options it has.
function keepPicks(body, picks) {
  var result = {}
  questionsOf(body).forEach(function (question) {
    var kept = choicesOf(picks, question.id).filter(function (index) {
      return isIndex(question, index)
    })
    if (kept.length) result[String(question.id)] = kept
  })
  return result
}

// The numbers (1-based, as the page shows them) of the questions without an answer.
function missingNumbers(body, picks) {
  var numbers = []
  questionsOf(body).forEach(function (question, i) {
    if (!choicesOf(picks, question.id).length) numbers.push(i + 1)
  })
  return numbers
}

// "第 2、4 题还没有作答"; '' when every question has an answer.
function missingText(numbers) {
  if (!numbers || !numbers.length) return ''
  return '第 ' + numbers.join('、') + ' 题还没有作答'
}

// The body's `answers` for POST /quiz/today: one per question, in the quiz's order.
function answersOf(body, picks) {
  return questionsOf(body).map(function (question) {
    return { question_id: question.id, choices: choicesOf(picks, question.id).slice() }
  })
}

// An answer in words: the letters ("ABD") of a choice question, the option itself ("正确") of a
// 判断题; '' for none.
function answerText(question, indexes) {
  var list = Array.isArray(indexes) ? indexes : []
  if (question.kind === 'judge') {
    return list
      .map(function (index) {
        return optionsOf(question)[index] || ''
      })
      .join('、')
  }
  return list.map(letter).join('')
}

function has(list, index) {
  return Array.isArray(list) && list.indexOf(index) !== -1
}

// One question: while answering, its options with the member's picks; once submitted, each
// option marked right (one of the answer's) or wrong (chosen, not the answer's), and the answers
// in words with the explanation. `missing` marks a question the member tried to submit without.
function viewQuestion(question, number, picks, submitted, missing) {
  var picked = choicesOf(picks, question.id)
  var view = {
    id: question.id,
    number: number,
    kind: question.kind || '',
    kindLabel: KIND_LABELS[question.kind] || '',
    multiple: question.kind === 'multiple',
    stem: question.stem || '',
    missing: !submitted && !!missing,
    options: optionsOf(question).map(function (text, index) {
      var option = { index: index, letter: letter(index), text: text || '', picked: !submitted && has(picked, index), state: '' }
      if (submitted) {
        if (has(question.answer, index)) option.state = 'right'
        else if (has(question.chosen, index)) option.state = 'wrong'
      }
      return option
    }),
  }
  if (submitted) {
    var chosen = answerText(question, question.chosen)
    view.right = !!question.right
    view.resultLabel = question.right ? '回答正确' : '回答错误'
    view.answerText = answerText(question, question.answer)
    view.chosenText = chosen || '未作答'
    view.explanation = question.explanation || ''
  }
  return view
}

// "答对 3/5 题": a quiz's score, as the quiz page and the trace both say it.
function scoreText(correct, total) {
  return '答对 ' + (Number(correct) || 0) + '/' + (Number(total) || 0) + ' 题'
}

// The quiz as the page shows it. `picks` are the member's (while answering); `missing` the numbers
// of the questions they tried to submit without.
function viewQuiz(body, picks, missing) {
  body = body || {}
  var submitted = !!body.submitted
  var questions = questionsOf(body)
  var total = Number(body.total) || questions.length
  var correct = Number(body.correct) || 0
  var awarded = Number(body.points_awarded) || 0
  return {
    id: body.id,
    day: body.day || '',
    submitted: submitted,
    empty: !questions.length,
    total: total,
    correct: correct,
    scoreText: submitted ? scoreText(correct, total) : '',
    allRight: submitted && total > 0 && correct === total,
    // What the submission earned: in its answer, and in a submitted quiz loaded again (the server
    // reads it from the ledger; null before submission).
    pointsText: submitted && awarded > 0 ? '+' + awarded + ' 积分' : '',
    answeredCount: submitted ? questions.length : questions.length - missingNumbers(body, picks).length,
    questions: questions.map(function (question, i) {
      return viewQuestion(question, i + 1, picks, submitted, has(missing, i + 1))
    }),
  }
}

module.exports = {
  KIND_LABELS: KIND_LABELS,
  letter: letter,
  pick: pick,
  keepPicks: keepPicks,
  missingNumbers: missingNumbers,
  missingText: missingText,
  answersOf: answersOf,
  answerText: answerText,
  scoreText: scoreText,
  viewQuiz: viewQuiz,
}
