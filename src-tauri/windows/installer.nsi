; The Windows installer of Disclosure Desk, made by scripts/build-windows.sh with makensis.
;
; Per user: it installs under %LOCALAPPDATA%\Programs and writes only to HKCU, so a clerk needs
; no administrator. The catalog lives in %APPDATA%\disclosure-desk, which neither this installer
; nor its uninstaller touches.
;
; Command line, besides NSIS's own /S (silent) and /D=folder:
;   /P        passive: no questions, a progress window only (the updater's install mode)
;   /UPDATE   an update of an installed copy: shortcuts are kept as the person arranged them
;   /R        start the app again when done (the updater asks for it)
;   /ARGS …   what to start it with (the rest of the line)
;
; Defined by the build: VERSION, SOURCE_DIR (the folder holding the files to install), OUT_FILE.

; A 64-bit installer for a 64-bit app (and Wine without its 32-bit half runs it).
Target amd64-unicode
ManifestDPIAware true
; The tests' builds pass -DCOMPRESSOR=zlib: minutes quicker on unoptimised programs.
!ifdef COMPRESSOR
  SetCompressor /SOLID ${COMPRESSOR}
!else
  SetCompressor /SOLID lzma
!endif
RequestExecutionLevel user

!ifndef VERSION
  !error "VERSION must be defined (makensis -DVERSION=…)"
!endif
!ifndef SOURCE_DIR
  !error "SOURCE_DIR must be defined"
!endif
!ifndef OUT_FILE
  !error "OUT_FILE must be defined"
!endif

!define PRODUCT "Disclosure Desk"
!define PRODUCT_ZH "政务公开工作台"
!define APP_EXE "disclosure-desk.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\DisclosureDesk"
!define SETTINGS_KEY "Software\DisclosureDesk"
; The WebView2 Runtime's client id, under EdgeUpdate\Clients, per machine or per user.
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"

Name "${PRODUCT_ZH} ${PRODUCT}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT_ZH} ${PRODUCT} setup"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PRODUCT}"

!define MUI_ICON "${SOURCE_DIR}\icon.ico"
!define MUI_UNICON "${SOURCE_DIR}\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

Var Passive
Var Update
Var Restart
Var WebView2

!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipWhenPassive
!insertmacro MUI_PAGE_WELCOME
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipWhenPassive
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipWhenPassive
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default when Windows speaks neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString WebView2Missing ${LANG_SIMPCHINESE} "本机没有 Microsoft Edge WebView2 运行时，政务公开工作台的窗口需要它才能打开。$\r$\n$\r$\n请信息化部门安装“WebView2 运行时（常青版独立安装程序）”MicrosoftEdgeWebView2RuntimeInstallerX64.exe，它可以离线安装。Windows 11 和已更新的 Windows 10 已自带。$\r$\n$\r$\n安装将继续；命令行工具 desk.exe 不需要它。"
LangString WebView2Missing ${LANG_ENGLISH} "This PC lacks the Microsoft Edge WebView2 Runtime, which the Disclosure Desk window needs to open.$\r$\n$\r$\nAsk IT to install the WebView2 Runtime (Evergreen Standalone Installer, MicrosoftEdgeWebView2RuntimeInstallerX64.exe), which installs offline. Windows 11 and an updated Windows 10 have it already.$\r$\n$\r$\nSetup goes on; the command-line tool desk.exe does not need it."
LangString StillRunning ${LANG_SIMPCHINESE} "政务公开工作台仍在运行，无法替换它的文件。请关闭它后点“重试”。"
LangString StillRunning ${LANG_ENGLISH} "Disclosure Desk is still running, so its files cannot be replaced. Close it, then click Retry."
LangString DataKept ${LANG_SIMPCHINESE} "卸载只删除程序。事项目录、附件和日志保存在 $APPDATA\disclosure-desk，不会删除；不再需要时可手工删除该文件夹。"
LangString DataKept ${LANG_ENGLISH} "Uninstalling removes the program only. The catalog, its attachments and logs stay in $APPDATA\disclosure-desk; delete that folder by hand when they are no longer needed."
LangString ShortcutName ${LANG_SIMPCHINESE} "${PRODUCT_ZH}"
LangString ShortcutName ${LANG_ENGLISH} "${PRODUCT_ZH} ${PRODUCT}"

!define MUI_UNCONFIRMPAGE_TEXT_TOP "$(DataKept)"

Function .onInit
  ${GetParameters} $0
  StrCpy $Passive 0
  StrCpy $Update 0
  StrCpy $Restart 0
  ClearErrors
  ${GetOptions} $0 "/P" $1
  ${IfNot} ${Errors}
    StrCpy $Passive 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $0 "/UPDATE" $1
  ${IfNot} ${Errors}
    StrCpy $Update 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $0 "/R" $1
  ${IfNot} ${Errors}
    StrCpy $Restart 1
  ${EndIf}
  ${If} ${Silent}
    StrCpy $Passive 1
  ${EndIf}
  ${If} $Passive == 1
    SetAutoClose true
  ${EndIf}
  Call CheckWebView2
FunctionEnd

Function SkipWhenPassive
  ${If} $Passive == 1
    Abort
  ${EndIf}
FunctionEnd

; Checked before the first page, so a clerk hears of it before installing anything. The
; WebView2 Runtime is registered per machine (32- or 64-bit view) or per user; "0.0.0.0" or
; no version at all means it was removed.
Function CheckWebView2
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  SetRegView lastused
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    StrCpy $WebView2 "missing"
    ${IfNot} ${Silent}
    ${AndIf} $Passive == 0
      MessageBox MB_OK|MB_ICONEXCLAMATION "$(WebView2Missing)"
    ${EndIf}
  ${Else}
    StrCpy $WebView2 $0
  ${EndIf}
FunctionEnd

; The updater starts this installer and then quits the app, and a person may uninstall while
; it is open: wait for it to let go of its files (up to 15 s), then ask, or in a passive or
; silent run give up with an error (the updater reports it) before anything is changed.
!macro WAIT_FOR_APP prefix
Function ${prefix}WaitForApp
  StrCpy $1 0
  ${DoWhile} $1 < 30
    ${IfNot} ${FileExists} "$INSTDIR\${APP_EXE}"
      Return
    ${EndIf}
    ClearErrors
    FileOpen $2 "$INSTDIR\${APP_EXE}" a
    ${IfNot} ${Errors}
      FileClose $2
      Return
    ${EndIf}
    Sleep 500
    IntOp $1 $1 + 1
  ${Loop}
  ${If} $Passive == 1
  ${OrIf} ${Silent}
    DetailPrint "$(StillRunning)"
    SetErrorLevel 5
    Quit
  ${EndIf}
  MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(StillRunning)" IDRETRY again
  Quit
  again:
  Call ${prefix}WaitForApp
FunctionEnd
!macroend
!insertmacro WAIT_FOR_APP ""
!insertmacro WAIT_FOR_APP "un."

Section "Install"
  DetailPrint "WebView2 Runtime: $WebView2"
  Call WaitForApp
  SetOutPath "$INSTDIR"
  SetOverwrite on
  File "${SOURCE_DIR}\${APP_EXE}"
  File "${SOURCE_DIR}\desk.exe"
  File "${SOURCE_DIR}\WebView2Loader.dll"
  File "${SOURCE_DIR}\icon.ico"
  File "${SOURCE_DIR}\NOTICE.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT_ZH} ${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0

  ; An update keeps the shortcuts the person has (moved, renamed or deleted).
  ${If} $Update == 0
    CreateShortcut "$SMPROGRAMS\$(ShortcutName).lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\icon.ico"
    CreateShortcut "$DESKTOP\$(ShortcutName).lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\icon.ico"
  ${EndIf}

  ${If} $Restart == 1
    ${GetParameters} $0
    ClearErrors
    ${GetOptions} $0 "/ARGS" $1
    ${If} ${Errors}
      StrCpy $1 ""
    ${EndIf}
    Exec '"$INSTDIR\${APP_EXE}" $1'
  ${EndIf}
SectionEnd

Function un.onInit
  StrCpy $Passive 0
  ${If} ${Silent}
    SetAutoClose true
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Call un.WaitForApp
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\desk.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\NOTICE.txt"
  Delete "$INSTDIR\uninstall.exe"
  ; Only if empty: a file the person put there stays, and so does the folder.
  RMDir "$INSTDIR"
  ; Both languages' names, whichever this PC was installed in.
  Delete "$SMPROGRAMS\${PRODUCT_ZH}.lnk"
  Delete "$SMPROGRAMS\${PRODUCT_ZH} ${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT_ZH}.lnk"
  Delete "$DESKTOP\${PRODUCT_ZH} ${PRODUCT}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${SETTINGS_KEY}"
SectionEnd
