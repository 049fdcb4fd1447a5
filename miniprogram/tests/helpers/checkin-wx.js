// What the member's meeting pages need of `wx` beyond tests/helpers/wx.js: the system info, the
// network type and the location a check-in carries, the camera (wx.scanCode), the network
// listener, downloads, the photo and file pickers (wx.chooseMedia, wx.chooseMessageFile), the
// action sheet and the small UI calls. Each answer is scripted per test, asynchronously
// as on a device.

const { signedInEachTest } = require('./wx')

function defer(fn) {
  setTimeout(fn, 0)
}

const SYSTEM_INFO = {
  brand: 'Apple',
  model: 'iPhone 15<iPhone15,4>',
  system: 'iOS 17.4',
  platform: 'ios',
  screenWidth: 393,
  screenHeight: 852,
  pixelRatio: 3,
  windowHeight: 759,
  language: 'zh_CN',
  version: '8.0.50',
}

const LOCATION = { latitude: 30.2741, longitude: 120.1551, accuracy: 35, speed: 0 }

// Adds the calls to fake.wx (from installWx / installSignedInWx) and returns the controls.
function installCheckinWx(fake, { pagesOpen = 2 } = {}) {
  const state = {
    systemInfo: Object.assign({}, SYSTEM_INFO),
    networkType: 'wifi',
    // A location, { fail: true } (refused), or 'never' (no answer at all).
    location: Object.assign({}, LOCATION),
    // The camera's result: { result: 'text' }, { cancel: true } or { fail: 'errMsg' }.
    scan: { cancel: true },
    // wx.downloadFile's answer: { statusCode, tempFilePath } or { fail: true }, or a function of
    // the call's options giving one (a different file per URL).
    download: { statusCode: 200, tempFilePath: 'wxfile://tmp/1.jpg' },
    // The pickers: wx.chooseMedia's tempFiles ([{ tempFilePath, size, fileType }]),
    // wx.chooseMessageFile's ([{ path, name, size, type }]), or { cancel: true } / { fail: 'errMsg' }.
    media: { cancel: true },
    messageFiles: { cancel: true },
    // wx.showActionSheet: the index tapped, or { cancel: true }.
    actionSheet: { cancel: true },
    networkListeners: [],
    pagesOpen,
  }
  const wx = fake.wx

  wx.getSystemInfoSync = jest.fn(() => {
    if (state.systemInfo === 'throw') throw new Error('getSystemInfoSync:fail')
    return Object.assign({}, state.systemInfo)
  })
  wx.getNetworkType = jest.fn((options) => {
    defer(() => options.success({ networkType: state.networkType, errMsg: 'getNetworkType:ok' }))
  })
  wx.getLocation = jest.fn((options) => {
    const answer = state.location
    if (answer === 'never') return
    defer(() => {
      if (answer.fail) options.fail({ errMsg: 'getLocation:fail auth deny' })
      else options.success(Object.assign({ errMsg: 'getLocation:ok' }, answer))
    })
  })
  wx.scanCode = jest.fn((options) => {
    const answer = state.scan
    defer(() => {
      if (answer.cancel) options.fail({ errMsg: 'scanCode:fail cancel' })
      else if (answer.fail) options.fail({ errMsg: answer.fail })
      else options.success({ result: answer.result, scanType: 'QR_CODE', errMsg: 'scanCode:ok' })
    })
  })
  wx.onNetworkStatusChange = jest.fn((listener) => {
    state.networkListeners.push(listener)
  })
  wx.downloadFile = jest.fn((options) => {
    const answer = typeof state.download === 'function' ? state.download(options) : state.download
    defer(() => {
      if (answer.fail) options.fail({ errMsg: 'downloadFile:fail timeout' })
      else options.success(Object.assign({ errMsg: 'downloadFile:ok' }, answer))
    })
  })
  function picker(name, answerOf, successOf) {
    return jest.fn((options) => {
      const answer = answerOf()
      defer(() => {
        if (answer.cancel) options.fail({ errMsg: `${name}:fail cancel` })
        else if (answer.fail) options.fail({ errMsg: answer.fail })
        else options.success(Object.assign({ errMsg: `${name}:ok` }, successOf(answer)))
      })
    })
  }
  wx.chooseMedia = picker('chooseMedia', () => state.media, (files) => ({ tempFiles: files, type: 'image' }))
  wx.chooseMessageFile = picker('chooseMessageFile', () => state.messageFiles, (files) => ({ tempFiles: files }))
  wx.showActionSheet = picker('showActionSheet', () => state.actionSheet, (answer) => ({ tapIndex: answer.tapIndex }))
  // An alert (showCancel: false) is shown without callbacks; the base fake calls them always.
  const scriptedModal = wx.showModal
  wx.showModal = jest.fn((options) => scriptedModal(Object.assign({ success() {}, fail() {} }, options)))
  wx.openSetting = jest.fn()
  wx.previewImage = jest.fn()
  wx.openDocument = jest.fn()
  wx.showLoading = jest.fn()
  wx.hideLoading = jest.fn()
  wx.navigateBack = jest.fn()
  wx.setNavigationBarTitle = jest.fn()
  global.getCurrentPages = jest.fn(() => new Array(state.pagesOpen).fill({}))

  return {
    state,
    // The camera will read this text next (a check-in link, a bare token, anything).
    scanReturns(result) {
      state.scan = { result }
    },
    scanCancels() {
      state.scan = { cancel: true }
    },
    // The member will pick these photos (paths) in wx.chooseMedia.
    picksPhotos(paths) {
      state.media = paths.map((path) => ({ tempFilePath: path, size: 1024, fileType: 'image' }))
    },
    // The member will pick these files ([{ path, name }]) in wx.chooseMessageFile.
    picksFiles(files) {
      state.messageFiles = files.map((file) => Object.assign({ size: 2048, type: 'file' }, file))
    },
    // The member will tap this item of the next wx.showActionSheet.
    tapsSheetItem(tapIndex) {
      state.actionSheet = { tapIndex }
    },
    // The phone comes back online (or goes offline): the listeners app.js registered hear it.
    networkChanges(isConnected) {
      state.networkListeners.forEach((listener) => listener({ isConnected, networkType: isConnected ? 'wifi' : 'none' }))
    },
  }
}

// signedInEachTest (helpers/wx.js) with these calls added before each test: { fake, controls },
// both set afresh for every test.
function checkinEachTest(now, options) {
  const fake = signedInEachTest(now)
  const controls = {}
  beforeEach(() => {
    Object.assign(controls, installCheckinWx(fake, options))
  })
  return { fake, controls }
}

// The check-in queue as utils/checkin-queue.js left it in the fake storage.
function storedQueue(fake) {
  return fake.storage.checkinQueue === undefined ? [] : JSON.parse(fake.storage.checkinQueue)
}

module.exports = { installCheckinWx, checkinEachTest, storedQueue, SYSTEM_INFO, LOCATION }
