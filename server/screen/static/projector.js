// The projector's check-in screen: log the secretary in once (the token stays in this tab's
// sessionStorage), then poll the meeting's current code and counts. The code rotates every
// slot_seconds; the page fetches again when it expires and every few seconds for the counts.
;(function () {
  'use strict'

  var body = document.body
  var meetingId = body.getAttribute('data-meeting-id')
  var api = body.getAttribute('data-api')
  var TOKEN_KEY = 'party.screen.token'
  var COUNTS_EVERY_MS = 3000
  var RETRY_MS = 5000
  var PHASES = {
    upcoming: '签到尚未开始',
    checkin_open: '签到中',
    in_progress: '会议进行中（迟到签到）',
    ended: '会议已结束',
    archived: '会议已归档',
  }
  var timer = null
  var rotation = null

  function $(id) {
    return document.getElementById(id)
  }

  function show(id) {
    $('login').hidden = id !== 'login'
    $('screen').hidden = id !== 'screen'
  }

  function call(path, options) {
    options = options || {}
    var headers = { Accept: 'application/json' }
    var token = sessionStorage.getItem(TOKEN_KEY)
    if (token && !options.anonymous) headers.Authorization = 'Bearer ' + token
    if (options.body) headers['Content-Type'] = 'application/json'
    return fetch(api + path, {
      method: options.method || 'GET',
      headers: headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
    }).then(function (response) {
      return response.json().then(
        function (data) {
          return { status: response.status, data: data }
        },
        function () {
          return { status: response.status, data: {} }
        }
      )
    })
  }

  function login(event) {
    event.preventDefault()
    var form = event.target
    var password = form.elements.namedItem('password')
    $('login-error').textContent = ''
    call('/auth/login', {
      method: 'POST',
      anonymous: true,
      body: { username: form.elements.namedItem('username').value, password: password.value },
    }).then(
      function (result) {
        if (result.status !== 200) {
          $('login-error').textContent = result.data.message || '登录失败'
          return
        }
        sessionStorage.setItem(TOKEN_KEY, result.data.token)
        password.value = ''
        refresh()
      },
      function () {
        $('login-error').textContent = '网络错误，请重试'
      }
    )
  }

  function schedule(ms) {
    clearTimeout(timer)
    timer = setTimeout(refresh, ms)
  }

  function animate(seconds, total) {
    var bar = $('rotation-bar')
    clearInterval(rotation)
    var endsAt = Date.now() + seconds * 1000
    rotation = setInterval(function () {
      var left = Math.max(0, endsAt - Date.now())
      bar.style.width = ((left / (total * 1000)) * 100).toFixed(1) + '%'
    }, 250)
  }

  function render(code) {
    $('title').textContent = code.title
    $('phase').textContent = PHASES[code.phase] || ''
    $('qr').src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(code.svg)
    var counts = code.counts || {}
    $('present').textContent = counts.present || 0
    $('expected').textContent = counts.expected || 0
    $('late').textContent = counts.late || 0
    $('on-leave').textContent = counts.on_leave || 0
    $('status').textContent = ''
    animate(code.expires_in, code.slot_seconds)
  }

  function refresh() {
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      show('login')
      return
    }
    call('/meetings/' + meetingId + '/checkin-code').then(
      function (result) {
        if (result.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY)
          $('login-error').textContent = '登录已过期，请重新登录'
          show('login')
          return
        }
        if (result.status !== 200) {
          show('screen')
          $('status').textContent = result.data.message || '无法获取签到二维码'
          schedule(RETRY_MS)
          return
        }
        show('screen')
        render(result.data)
        // Fetch again just after the code rotates, or sooner for the live count.
        schedule(Math.min(result.data.expires_in * 1000 + 200, COUNTS_EVERY_MS))
      },
      function () {
        $('status').textContent = '网络中断，正在重试…（当前二维码在下次更新前仍有效）'
        schedule(RETRY_MS)
      }
    )
  }

  $('login-form').addEventListener('submit', login)
  refresh()
})()
