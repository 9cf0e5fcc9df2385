; Rosterdesk's Windows installer (NSIS 3, built on Linux by scripts/package-windows.sh).
;
; Per-user: installs into %LOCALAPPDATA%\Programs\Rosterdesk without administrator
; rights, adds a Start-menu shortcut and (optionally) a desktop one, and registers an
; uninstaller in Settings → Apps (HKCU). Installing over an older version upgrades it in
; place. The database lives in %APPDATA%\Rosterdesk and is never touched: not by the
; installer, not by the uninstaller.
;
; Silent install for IT departments:  Rosterdesk-Setup-VERSION.exe /S [/NODESKTOP] [/D=DIR]
; Silent uninstall:                   "%LOCALAPPDATA%\Programs\Rosterdesk\Uninstall.exe" /S
;
; makensis -DSTAGE=DIR -DOUTFILE=FILE installer.nsi, where DIR holds Rosterdesk.exe,
; rosterctl.exe, README.txt, THIRD-PARTY-NOTICES.txt, icon.ico and defines.nsh (written by
; packaging/meta from FyneApp.toml: APP_NAME, APP_VERSION, APP_PUBLISHER, …).

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true
ManifestSupportedOS all
RequestExecutionLevel user

!include /CHARSET=UTF8 "${STAGE}/defines.nsh"
!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
; An upgrade goes where the installed version is.
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${APP_VERSION}"

VIProductVersion "${APP_VERSION4}"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${APP_VERSION}"
VIAddVersionKey "CompanyName" "${APP_PUBLISHER}"
VIAddVersionKey "LegalCopyright" "${APP_COPYRIGHT}"
VIAddVersionKey "FileDescription" "${APP_NAME} ${APP_VERSION} Setup"
VIAddVersionKey "FileVersion" "${APP_VERSION4}"

!define MUI_ICON "${STAGE}/icon.ico"
!define MUI_UNICON "${STAGE}/icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\Rosterdesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; The window must be closed before its files can be replaced.
!macro CLOSED FILE UN
	${Do}
		ClearErrors
		${If} ${FileExists} "${FILE}"
			Delete "${FILE}"
		${EndIf}
		${IfNot} ${Errors}
			${Break}
		${EndIf}
		MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME} is running. Close its window, then click Retry." /SD IDCANCEL IDRETRY +2
		Abort "${APP_NAME} is running: close it and run this ${UN}again."
	${Loop}
!macroend

Section "${APP_NAME}" SecApp
	SectionIn RO
	SetShellVarContext current
	SetOutPath "$INSTDIR"
	!insertmacro CLOSED "$INSTDIR\Rosterdesk.exe" "setup "
	!insertmacro CLOSED "$INSTDIR\rosterctl.exe" "setup "
	File "${STAGE}/Rosterdesk.exe"
	File "${STAGE}/rosterctl.exe"
	File "${STAGE}/README.txt"
	File "${STAGE}/THIRD-PARTY-NOTICES.txt"
	WriteUninstaller "$INSTDIR\Uninstall.exe"

	CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\Rosterdesk.exe" "" "$INSTDIR\Rosterdesk.exe" 0 SW_SHOWNORMAL "" "${APP_DESCRIPTION}"

	WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${APP_VERSION}"
	WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP_PUBLISHER}"
	WriteRegStr HKCU "${UNINST_KEY}" "URLInfoAbout" "${APP_WEBSITE}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\Rosterdesk.exe,0"
	WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
	WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

Section "Desktop shortcut" SecDesktop
	SetShellVarContext current
	CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\Rosterdesk.exe" "" "$INSTDIR\Rosterdesk.exe" 0 SW_SHOWNORMAL "" "${APP_DESCRIPTION}"
SectionEnd

LangString DESC_App ${LANG_ENGLISH} "${APP_NAME} and rosterctl, its command line. Your database (in %APPDATA%\${APP_NAME}) is kept as it is."
LangString DESC_Desktop ${LANG_ENGLISH} "A shortcut to ${APP_NAME} on the desktop."
!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
	!insertmacro MUI_DESCRIPTION_TEXT ${SecApp} $(DESC_App)
	!insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} $(DESC_Desktop)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
	; /NODESKTOP leaves the desktop alone (for silent installs).
	${GetParameters} $0
	ClearErrors
	${GetOptions} $0 "/NODESKTOP" $1
	${IfNot} ${Errors}
		!insertmacro UnselectSection ${SecDesktop}
	${EndIf}
FunctionEnd

Section "Uninstall"
	SetShellVarContext current
	!insertmacro CLOSED "$INSTDIR\Rosterdesk.exe" "uninstaller "
	Delete "$INSTDIR\Rosterdesk.exe"
	Delete "$INSTDIR\rosterctl.exe"
	Delete "$INSTDIR\README.txt"
	Delete "$INSTDIR\THIRD-PARTY-NOTICES.txt"
	Delete "$INSTDIR\Uninstall.exe"
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\${APP_NAME}.lnk"
	Delete "$DESKTOP\${APP_NAME}.lnk"
	DeleteRegKey HKCU "${UNINST_KEY}"
	; The database and its log stay in $APPDATA\${APP_NAME}: an office that uninstalls
	; by mistake, or to reinstall, loses nothing.
	DetailPrint "Your ${APP_NAME} database in $APPDATA\${APP_NAME} was kept."
SectionEnd
