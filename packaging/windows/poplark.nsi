; Poplark Windows installer (NSIS 3): per-user, no administrator rights needed.
;   makensis -V2 -WX -DVERSION=0.1.0 -DSRCDIR=..\..\dist\poplark -DICON=..\..\build\poplark.ico poplark.nsi
; SRCDIR is the PyInstaller onedir bundle built ON WINDOWS (poplark.exe + _internal\); ICON comes from
; packaging/windows/make_ico.py. `make nsis` builds this script with a placeholder payload as a check.
; Installs to %LOCALAPPDATA%\Programs\Poplark, adds a Start menu shortcut and an entry in
; "Apps & features" (HKCU), and an uninstaller. The user's mail (%LOCALAPPDATA%\Poplark) is kept on uninstall.
Unicode true
Target amd64-unicode

!include "MUI2.nsh"
!include "x64.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef SRCDIR
  !define SRCDIR "..\..\dist\poplark"
!endif
!ifndef ICON
  !define ICON "..\..\build\poplark.ico"
!endif
!ifndef OUTFILE
  !define OUTFILE "Poplark-${VERSION}-setup.exe"
!endif

!define APPNAME "Poplark"
!define EXENAME "poplark.exe"
!define PUBLISHER "The Poplark developers"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\io.github.poplark.Poplark"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "Software\${APPNAME}" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
ManifestDPIAware true

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} installer"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER} (MIT License)"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXENAME}"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

LangString NeedX64 ${LANG_ENGLISH} "Poplark needs 64-bit Windows."
LangString NeedX64 ${LANG_SIMPCHINESE} "Poplark 需要 64 位 Windows。"
LangString StillRunning ${LANG_ENGLISH} "Poplark is running. Quit it (also from the notification area), then press Retry."
LangString StillRunning ${LANG_SIMPCHINESE} "Poplark 正在运行。请先退出（包括通知区域中的图标），然后点击“重试”。"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(NeedX64)"
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Section "Install"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the whole bundle: stale files from an older version must not linger in _internal.
  retry:
  ClearErrors
  Delete "$INSTDIR\${EXENAME}"
  IfErrors 0 +3
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(StillRunning)" IDRETRY retry
    Abort
  RMDir /r "$INSTDIR\_internal"
  File /r "${SRCDIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${EXENAME}"

  WriteRegStr HKCU "Software\${APPNAME}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXENAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  ; Only what the installer put there: never `RMDir /r $INSTDIR`, the user may have picked a folder
  ; that holds other files.
  Delete "$INSTDIR\${EXENAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${APPNAME}"
SectionEnd
