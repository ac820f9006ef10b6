; LevelUp POS: the Windows installer (NSIS 3, Unicode). It installs the PyInstaller
; one-folder bundle (installer/levelup-pos.spec) per machine.
;
; Build (makensis runs on Windows and on Linux: apt-get install nsis), from the repository:
;
;   pyinstaller --noconfirm --distpath DIST installer/levelup-pos.spec
;   makensis -DVERSION=0.1.0 -DBUNDLE=DIST/levelup-pos -DOUTFILE=OUT/setup.exe SCRIPT
;
; with SCRIPT this file, installer/windows/levelup-pos.nsi, and OUT an existing folder.
;
; makensis resolves relative paths from this script's folder: give BUNDLE and OUTFILE as
; absolute paths (or add /NOCD). VERSION defaults to pos_app/__init__.py's __version__ and
; must agree with it; OUTFILE defaults to levelup-pos-${VERSION}-setup.exe.
;
; Where things go:
;   program      $PROGRAMFILES64\LevelUp POS (levelup-pos.exe, _internal\, uninstall.exe)
;   data         $COMMONPROGRAMDATA\LevelUp POS, that is C:\ProgramData\LevelUp POS (journal,
;                settings, logs, provisioning.toml, installer.log)
;   shortcuts    Start menu "LevelUp POS" and, unless /AUTOSTART=0, the all-users Startup folder
;   uninstaller  Add/Remove Programs (HKLM\...\Uninstall\LevelUpPOS)
;
; How the register finds its data directory: every shortcut runs
;   levelup-pos.exe --data-dir "C:\ProgramData\LevelUp POS"
; which wins over everything else, so the register uses it from the first start, whether or
; not the new environment has reached the session yet. The machine-wide environment variable LEVELUP_POS_HOME is set to the same folder
; (HKLM ...\Session Manager\Environment, announced with WM_SETTINGCHANGE) so that a technician's
; console (`levelup-pos recover`, `levelup-pos journal pending`, `levelup-pos config show`)
; lands on the register's data too. LEVELUP_POS_PROVISIONING is not set: the register reads
; provisioning.toml from its data directory by default, and an unset variable cannot point a
; demo run (--data-dir elsewhere) at the store's provisioning. The uninstaller removes
; LEVELUP_POS_HOME if it still names this folder, and never removes the folder itself.
;
; Silent install, with provisioning properties (all optional):
;
;   levelup-pos-0.1.0-setup.exe /S /REGISTER=front-1 /LOCATION=19 /MERCHANT=1 ^
;       /TAXRATE=8.875 /SCANNER=serial://COM3?baud=9600 /APIURL=https://api.thelevelup.com
;
; A switch starts a word (a space before its "/"); its value runs to the next space, or, when
; it starts with a quote, to the closing quote: /SCANNER="serial://COM3?baud=9600&suffix=CR".
; Quote the value, not the switch ("/SCANNER=..." is refused). An unknown /NAME= is refused.
;
;   /REGISTER=  [register] id        1 to 32 of A-Z a-z 0-9 . _ -
;   /LOCATION=  [levelup] location_id a positive whole number
;   /MERCHANT=  [levelup] merchant_id a positive whole number
;   /TAXRATE=   [register] tax_rate  a percentage from 0 to 100, up to 4 decimals ("8.875")
;   /SCANNER=   [scanner] url        a scanner URL (serial://COM3, hid://0c2e:0b61); empty: none
;   /APIURL=    [levelup] base_url   http(s)://... or "embedded"
;   /AUTOSTART=0 or 1                start the register when Windows starts (default: 1, or what
;                                    the installed version had)
;   /ALLOWDOWNGRADE=1                install over a newer installed version (else exit 8)
;   /D=DIR                           install folder of a first install (last on the line); an
;                                    upgrade always stays where the installed version is
;
; When any provisioning property is given, provisioning.toml in the data directory is replaced
; by one holding exactly the given keys; without any, an existing provisioning.toml is kept.
; Quote a value holding shell characters (& ^ | < >) for cmd.exe; no value may hold a space.
;
; Upgrade in place: the installed version (HKLM Uninstall key, InstallLocation) is checked
; first: if the register is running, or its journal holds unfinished or queued payments
; (`levelup-pos.exe journal pending` exits 4), the installer refuses and changes nothing.
; Otherwise the program files are replaced; the data directory is kept as it is. The
; uninstaller makes the same checks. Set the environment variable LEVELUP_POS_ALLOW_PENDING=1
; to skip the journal check (the payments then stay in the journal, for the next version).
;
; Exit codes (also logged in C:\ProgramData\LevelUp POS\installer.log):
;   0    installed / uninstalled
;   1    cancelled by the user
;   2    a command-line property is invalid (nothing changed)
;   3    the journal could not be checked (`journal pending` failed or could not be run)
;   4    the journal holds unfinished or queued payments: drain them first (open the register
;        while LevelUp is reachable, or run `levelup-pos recover`)
;   5    the register is running: close it first
;   6    not a 64-bit Windows
;   7    provisioning.toml could not be written
;   8    a newer version is installed (nothing changed; /ALLOWDOWNGRADE=1 installs anyway)
;   740  not run as an administrator
; The registered QuietUninstallString waits and returns the uninstaller's exit code:
;   "C:\Program Files\LevelUp POS\uninstall.exe" /S _?=C:\Program Files\LevelUp POS
; (without _?= the uninstaller copies itself to %TEMP%, starts the copy and returns 0 at once).
; Run in place, uninstall.exe moves itself to %TEMP% at the end, so the folder goes too.

Unicode true
Target amd64-unicode ; a 64-bit installer, like the program it installs
ManifestDPIAware true
SetCompressor /SOLID lzma

;--------------------------------------------------------------------------------------------
; Compile-time parameters

; The version the package says it is (pos_app/__init__.py), read at compile time. makensis
; works in this script's folder, or where it was started with /NOCD.
!if /FileExists "../../pos_app/__init__.py"
  !searchparse /noerrors /file "../../pos_app/__init__.py" `__version__ = "` PACKAGE_VERSION `"`
!else if /FileExists "${__FILEDIR__}/../../pos_app/__init__.py"
  !searchparse /noerrors /file "${__FILEDIR__}/../../pos_app/__init__.py" \
      `__version__ = "` PACKAGE_VERSION `"`
!endif

!ifndef VERSION
  !ifdef PACKAGE_VERSION
    !define VERSION "${PACKAGE_VERSION}"
  !else
    !error "Give the version: makensis -DVERSION=0.1.0 ..."
  !endif
!endif
!ifdef PACKAGE_VERSION
  !if "${VERSION}" != "${PACKAGE_VERSION}"
    !error "VERSION=${VERSION} but pos_app/__init__.py says ${PACKAGE_VERSION}"
  !endif
!endif

; Windows version resources want four numbers: 0.1.0 -> 0.1.0.0.
!searchparse /noerrors "${VERSION}." "" VERSION_MAJOR "." VERSION_MINOR "." VERSION_PATCH "."
!ifndef VERSION_QUAD
  !ifdef VERSION_PATCH
    !define VERSION_QUAD "${VERSION_MAJOR}.${VERSION_MINOR}.${VERSION_PATCH}.0"
  !else
    !error "VERSION=${VERSION} is not MAJOR.MINOR.PATCH: give -DVERSION_QUAD=A.B.C.D too"
  !endif
!endif

!ifndef BUNDLE
  !error "Give the PyInstaller bundle: makensis -DBUNDLE=DIST/levelup-pos ..."
!endif
!if ! /FileExists "${BUNDLE}/levelup-pos.exe"
  !error "${BUNDLE} holds no levelup-pos.exe: build it with pyinstaller installer/levelup-pos.spec"
!endif
!if ! /FileExists "${BUNDLE}/levelup-pos-register.exe"
  !error "${BUNDLE} holds no levelup-pos-register.exe (the windowed register): build it on Windows"
!endif

!ifndef OUTFILE
  !define OUTFILE "levelup-pos-${VERSION}-setup.exe"
!endif

;--------------------------------------------------------------------------------------------
; Constants

!define PRODUCT "LevelUp POS"
!define PUBLISHER "LevelUp POS"
!define EXE "levelup-pos.exe"
!define WINDOW_EXE "levelup-pos-register.exe" ; the register without a console window
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\LevelUpPOS"
!define ENV_KEY "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
!define HOME_ENV "LEVELUP_POS_HOME"
!define ALLOW_PENDING_ENV "LEVELUP_POS_ALLOW_PENDING"
!define SHORTCUT "LevelUp POS.lnk"

!define EXIT_BAD_PROPERTY 2
!define EXIT_CHECK_FAILED 3
!define EXIT_PENDING 4
!define EXIT_RUNNING 5
!define EXIT_NOT_X64 6
!define EXIT_WRITE_FAILED 7
!define EXIT_DOWNGRADE 8
!define EXIT_NOT_ADMIN 740

!define DIGITS "0123456789"
!define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
; RFC 3986 characters; no quote, backslash, space or control character can reach the TOML.
!define URL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$$&'()*+,;=%"

;--------------------------------------------------------------------------------------------
; Installer attributes

Name "${PRODUCT}"
OutFile "${OUTFILE}"
BrandingText "${PRODUCT} ${VERSION}"
RequestExecutionLevel admin
InstallDir "$PROGRAMFILES64\${PRODUCT}"
ShowInstDetails show
ShowUninstDetails show

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "Sections.nsh"
!include "WinMessages.nsh"
!include "x64.nsh"

!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipDirectoryOnUpgrade
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${PRODUCT} ${VERSION} setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}"

;--------------------------------------------------------------------------------------------
; State

Var DataDir       ; $COMMONPROGRAMDATA\LevelUp POS
Var OldDir        ; the installed version's folder, or "" on a first install
Var Exe           ; the levelup-pos.exe CheckRunning and CheckPending look at
Var WindowExe     ; the levelup-pos-register.exe beside it, which is what cashiers run
Var Params        ; the command line
Var HasProps      ; 1 when a provisioning property was given
Var PropRegister
Var HasRegister
Var PropLocation
Var HasLocation
Var PropMerchant
Var HasMerchant
Var PropTaxRate
Var HasTaxRate
Var PropScanner
Var HasScanner
Var PropApiUrl
Var HasApiUrl
Var SwAutostart   ; /AUTOSTART= as given ...
Var HasAutostart  ; ... and 1 when it was
Var SwDowngrade   ; /ALLOWDOWNGRADE= as given
Var Running       ; CheckRunning: the program found running
Var ChkValue      ; OnlyAllowedChars: the text ...
Var ChkAllowed    ; ... the characters it may hold ...
Var ChkOk         ; ... and the answer, 1 or 0

;--------------------------------------------------------------------------------------------
; Functions of both the installer and the uninstaller

!macro LOG message
  Push `${message}`
  !ifdef __UNINSTALL__
    Call un.Log
  !else
    Call Log
  !endif
!macroend

; Log, tell (unless silent) and quit with an exit code.
!macro FAIL code message
  Push `${code}`
  Push `${message}`
  !ifdef __UNINSTALL__
    Call un.Fail
  !else
    Call Fail
  !endif
!macroend

!macro SHARED_FUNCTIONS un who
  ; Appends a line to $DataDir\installer.log (and to the details list).
  Function ${un}Log
    Exch $0
    Push $1
    Push $2
    Push $3
    Push $4
    Push $5
    Push $6
    Push $7
    Push $8
    DetailPrint "$0"
    ${If} $DataDir != ""
      CreateDirectory "$DataDir"
      ${GetTime} "" "L" $1 $2 $3 $4 $5 $6 $7
      ClearErrors
      FileOpen $8 "$DataDir\installer.log" a
      ${IfNot} ${Errors}
        FileSeek $8 0 END
        FileWrite $8 "$3-$2-$1 $5:$6:$7 ${who} ${VERSION}: $0$\r$\n"
        FileClose $8
      ${EndIf}
    ${EndIf}
    Pop $8
    Pop $7
    Pop $6
    Pop $5
    Pop $4
    Pop $3
    Pop $2
    Pop $1
    Pop $0
  FunctionEnd

  Function ${un}Fail
    Pop $0 ; message
    Pop $1 ; exit code
    Push "refused (exit code $1): $0"
    Call ${un}Log
    MessageBox MB_OK|MB_ICONSTOP "$0" /SD IDOK
    SetErrorLevel $1
    Quit
  FunctionEnd

  ; Per machine only: an administrator on 64-bit Windows, with the all-users folders.
  Function ${un}Prepare
    SetShellVarContext all
    StrCpy $DataDir "$COMMONPROGRAMDATA\${PRODUCT}"
    ${IfNot} ${RunningX64}
      !insertmacro FAIL ${EXIT_NOT_X64} "${PRODUCT} needs 64-bit Windows."
    ${EndIf}
    SetRegView 64
    UserInfo::GetAccountType
    Pop $0
    ${If} $0 != "admin"
      !insertmacro FAIL ${EXIT_NOT_ADMIN} "${PRODUCT} is installed for all users of this PC: \
          run this as an administrator."
    ${EndIf}
  FunctionEnd

  ; Refuses while $WindowExe or $Exe runs: their files cannot be replaced, and the journal is
  ; still moving. A running program's .exe cannot be opened for writing.
  Function ${un}CheckRunning
    retry:
    StrCpy $Running ""
    ${If} ${FileExists} "$WindowExe"
      ClearErrors
      FileOpen $0 "$WindowExe" a
      ${If} ${Errors}
        StrCpy $Running "$WindowExe"
      ${Else}
        FileClose $0
      ${EndIf}
    ${EndIf}
    ${If} $Running == ""
    ${AndIf} ${FileExists} "$Exe"
      ClearErrors
      FileOpen $0 "$Exe" a
      ${If} ${Errors}
        StrCpy $Running "$Exe"
      ${Else}
        FileClose $0
      ${EndIf}
    ${EndIf}
    ${If} $Running == ""
      Return
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${PRODUCT} is running ($Running). Finish \
        the open checks, close the register, then click Retry." /SD IDCANCEL IDRETRY retry
    !insertmacro FAIL ${EXIT_RUNNING} "${PRODUCT} is running ($Running): close the register, \
        then run this again."
  FunctionEnd

  ; The refusal on unfinished tenders: `levelup-pos journal pending` exits 0 when the journal
  ; holds no unfinished or queued payment (or there is no journal), 4 when it holds some.
  ; LEVELUP_POS_ALLOW_PENDING=1 skips the check.
  Function ${un}CheckPending
    ReadEnvStr $0 ${ALLOW_PENDING_ENV}
    ${If} $0 == "1"
      !insertmacro LOG "${ALLOW_PENDING_ENV}=1: the journal is not checked for pending payments."
      Return
    ${EndIf}
    ${IfNot} ${FileExists} "$Exe"
      Return
    ${EndIf}
    nsExec::ExecToStack /TIMEOUT=300000 '"$Exe" journal pending --data-dir "$DataDir"'
    Pop $0 ; the exit code, or "error" / "timeout"
    Pop $1 ; what it printed
    ${If} $0 == "0"
      !insertmacro LOG "journal pending: no unfinished or queued payment in $DataDir."
      Return
    ${EndIf}
    ${If} $0 == "${EXIT_PENDING}"
      !insertmacro FAIL ${EXIT_PENDING} "The register's journal holds payments that are not \
          finished:$\r$\n$\r$\n$1$\r$\nDrain them first: open the register while LevelUp is \
          reachable, or run 'levelup-pos recover'. (${ALLOW_PENDING_ENV}=1 skips this check.)"
    ${EndIf}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Could not check the register's \
        journal for unfinished payments (levelup-pos journal pending: $0):$\r$\n$\r$\n$1$\r$\n\
        Continue anyway?" /SD IDNO IDYES checked
    !insertmacro FAIL ${EXIT_CHECK_FAILED} "Could not check the register's journal for \
        unfinished payments (levelup-pos journal pending: $0): $1 \
        (${ALLOW_PENDING_ENV}=1 skips this check.)"
    checked:
    !insertmacro LOG "journal pending failed ($0); continuing at the user's word."
  FunctionEnd
!macroend

!insertmacro SHARED_FUNCTIONS "" "setup"
!insertmacro SHARED_FUNCTIONS "un." "uninstall"

;--------------------------------------------------------------------------------------------
; Installer

; The program: an upgrade replaces it in place and keeps the data directory as it is.
Section "${PRODUCT} (required)" SEC_MAIN
  SectionIn RO

  ; Time has passed since .onInit: the register may have been started again.
  StrCpy $Exe "$INSTDIR\${EXE}"
  StrCpy $WindowExe "$INSTDIR\${WINDOW_EXE}"
  Call CheckRunning

  ; Every cashier's Windows account runs the register on this PC: let all users (S-1-5-32-545)
  ; change the data, which ProgramData otherwise leaves to each file's creator.
  CreateDirectory "$DataDir"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$DataDir" /grant *S-1-5-32-545:(OI)(CI)M'
  Pop $0
  ${If} $0 != "0"
    !insertmacro LOG "icacls could not open $DataDir to all users ($0): a second Windows \
        account may not be able to use the register's data."
  ${EndIf}

  SetOutPath "$INSTDIR"
  ; The bundle's libraries are replaced whole: no module of the old version is left behind.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${WINDOW_EXE}"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "DataDirectory" "$DataDir"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  ; _?= runs the uninstaller in place, so the caller waits for it and gets its exit code
  ; (without it the uninstaller copies itself to %TEMP%, starts the copy and returns 0 at
  ; once). It then moves itself out of the folder (see the Uninstall section).
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" \
      '"$INSTDIR\${UNINSTALLER}" /S _?=$INSTDIR'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $0

  WriteRegExpandStr HKLM "${ENV_KEY}" "${HOME_ENV}" "$DataDir"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000

  Call WriteProvisioning

  CreateShortcut "$SMPROGRAMS\${SHORTCUT}" "$INSTDIR\${WINDOW_EXE}" '--data-dir "$DataDir"' \
      "$INSTDIR\${WINDOW_EXE}" 0 SW_SHOWNORMAL "" "${PRODUCT} register"
SectionEnd

Section "Start the register when Windows starts" SEC_AUTOSTART
  SetOutPath "$INSTDIR"
  CreateShortcut "$SMSTARTUP\${SHORTCUT}" "$INSTDIR\${WINDOW_EXE}" '--data-dir "$DataDir"' \
      "$INSTDIR\${WINDOW_EXE}" 0 SW_SHOWNORMAL "" "${PRODUCT} register"
  WriteRegDWORD HKLM "${UNINST_KEY}" "Autostart" 1
SectionEnd

Section "-Done"
  ${IfNot} ${SectionIsSelected} ${SEC_AUTOSTART}
    Delete "$SMSTARTUP\${SHORTCUT}"
    WriteRegDWORD HKLM "${UNINST_KEY}" "Autostart" 0
  ${EndIf}
  ${If} $OldDir != ""
    !insertmacro LOG "upgraded $INSTDIR to ${VERSION}; data kept in $DataDir."
  ${Else}
    !insertmacro LOG "installed ${VERSION} in $INSTDIR; data in $DataDir."
  ${EndIf}
SectionEnd

; $ChkOk = 1 when $ChkValue holds only characters of $ChkAllowed.
Function OnlyAllowedChars
  Push $0
  Push $1
  Push $2
  Push $3
  StrCpy $ChkOk 1
  StrCpy $0 0
  ${Do}
    StrCpy $1 $ChkValue 1 $0
    ${If} $1 == ""
      ${Break}
    ${EndIf}
    StrCpy $2 0
    ${Do}
      StrCpy $3 $ChkAllowed 1 $2
      ${If} $3 == ""
        StrCpy $ChkOk 0
        ${Break}
      ${EndIf}
      ${If} $3 S== $1
        ${Break}
      ${EndIf}
      IntOp $2 $2 + 1
    ${Loop}
    ${If} $ChkOk == 0
      ${Break}
    ${EndIf}
    IntOp $0 $0 + 1
  ${Loop}
  Pop $3
  Pop $2
  Pop $1
  Pop $0
FunctionEnd

; One /NAME=value switch, read by ReadSwitches into $R5 (name) and $R6 (value): VAR gets the
; value and FLAG 1.
!macro PROPERTY name var flag
  ${ElseIf} $R5 == "${name}"
    StrCpy ${var} $R6
    StrCpy ${flag} 1
    StrCpy $HasProps 1
!macroend

; $R2 = the position of the first space at or after $R2 in $Params (or its length).
Function WordEnd
  ${Do}
    StrCpy $R3 $Params 1 $R2
    ${If} $R3 == ""
    ${OrIf} $R3 == " "
    ${OrIf} $R3 == "$\t"
      ${Break}
    ${EndIf}
    IntOp $R2 $R2 + 1
  ${Loop}
FunctionEnd

; Reads the /NAME=value switches of $Params. NSIS's ${GetOptions} cuts a value at its first
; "/" (/SCANNER=serial://COM3 gave "serial:"), so the line is read here: a switch starts a
; word (" /NAME="), its value runs to the next space, or from a quote to the closing quote
; (/SCANNER="serial://COM3?baud=9600&suffix=CR"). /D= ends the line, as NSIS has it; other
; words (/S, /NCRC) are left to NSIS. A switch it does not know, or a quoted switch
; ("/NAME=value"), stops the installer (exit 2): a misspelt switch is not ignored.
Function ReadSwitches
  StrCpy $R0 0 ; where the next word may start
  ${Do}
    StrCpy $R1 $Params 1 $R0
    ${If} $R1 == ""
      ${Break}
    ${ElseIf} $R1 == " "
    ${OrIf} $R1 == "$\t"
      IntOp $R0 $R0 + 1
      ${Continue}
    ${EndIf}
    StrCpy $R2 $R0
    Call WordEnd
    StrCpy $R4 $Params 2 $R0
    ${If} $R4 == '"/'
      IntOp $R3 $R2 - $R0
      StrCpy $R4 $Params $R3 $R0
      !insertmacro FAIL ${EXIT_BAD_PROPERTY} "Quote the value, not the switch: \
          /NAME=$\"value$\", not $R4."
    ${EndIf}
    ${If} $R1 != "/"
      StrCpy $R0 $R2 ; not a switch
      ${Continue}
    ${EndIf}
    ; /NAME= : NAME is letters up to "=" within the word; without "=" it is a flag (/S).
    StrCpy $R5 ""
    IntOp $R3 $R0 + 1
    ${Do}
      StrCpy $R4 $Params 1 $R3
      ${If} $R4 == "="
      ${OrIf} $R3 >= $R2
        ${Break}
      ${EndIf}
      StrCpy $R5 "$R5$R4"
      IntOp $R3 $R3 + 1
    ${Loop}
    ${If} $R4 != "="
    ${OrIf} $R3 >= $R2
      StrCpy $R0 $R2
      ${Continue}
    ${EndIf}
    ${If} $R5 S== "D"
      ${Break} ; /D=DIR, the rest of the line
    ${EndIf}
    IntOp $R3 $R3 + 1 ; the value's first character
    StrCpy $R4 $Params 1 $R3
    ${If} $R4 == '"'
      IntOp $R3 $R3 + 1
      StrCpy $R2 $R3
      ${Do}
        StrCpy $R4 $Params 1 $R2
        ${If} $R4 == '"'
        ${OrIf} $R4 == ""
          ${Break}
        ${EndIf}
        IntOp $R2 $R2 + 1
      ${Loop}
      IntOp $R1 $R2 + 1
      StrCpy $R1 $Params 1 $R1
      ${If} $R4 != '"'
      ${OrIf} $R1 != ""
      ${AndIf} $R1 != " "
      ${AndIf} $R1 != "$\t"
        !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/$R5= has an unclosed or misplaced quote: \
            write /$R5=$\"value$\"."
      ${EndIf}
      IntOp $R4 $R2 - $R3
      StrCpy $R6 $Params $R4 $R3
      IntOp $R2 $R2 + 1
    ${Else}
      IntOp $R4 $R2 - $R3
      StrCpy $R6 $Params $R4 $R3
    ${EndIf}
    StrCpy $R0 $R2
    ${If} $R5 == "AUTOSTART"
      StrCpy $SwAutostart $R6
      StrCpy $HasAutostart 1
    ${ElseIf} $R5 == "ALLOWDOWNGRADE"
      StrCpy $SwDowngrade $R6
    !insertmacro PROPERTY REGISTER $PropRegister $HasRegister
    !insertmacro PROPERTY LOCATION $PropLocation $HasLocation
    !insertmacro PROPERTY MERCHANT $PropMerchant $HasMerchant
    !insertmacro PROPERTY TAXRATE $PropTaxRate $HasTaxRate
    !insertmacro PROPERTY SCANNER $PropScanner $HasScanner
    !insertmacro PROPERTY APIURL $PropApiUrl $HasApiUrl
    ${Else}
      !insertmacro FAIL ${EXIT_BAD_PROPERTY} "Unknown switch /$R5=: the installer takes \
          /REGISTER= /LOCATION= /MERCHANT= /TAXRATE= /SCANNER= /APIURL= /AUTOSTART= \
          /ALLOWDOWNGRADE= and /D=."
    ${EndIf}
  ${Loop}
FunctionEnd

; A positive whole number, as TOML writes it (no sign, no leading zero).
!macro CHECK_ID name var
  StrCpy $ChkValue ${var}
  StrCpy $ChkAllowed "${DIGITS}"
  Call OnlyAllowedChars
  StrLen $0 ${var}
  StrCpy $1 ${var} 1
  ${If} $ChkOk != 1
  ${OrIf} $0 < 1
  ${OrIf} $0 > 18
  ${OrIf} $1 == "0"
    !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/${name}= must be a positive whole number \
        (digits only), not '${var}'."
  ${EndIf}
!macroend

; Reads and checks the provisioning properties; changes nothing.
Function ParseProperties
  ${GetParameters} $Params
  StrCpy $HasProps 0
  StrCpy $HasRegister 0
  StrCpy $HasLocation 0
  StrCpy $HasMerchant 0
  StrCpy $HasTaxRate 0
  StrCpy $HasScanner 0
  StrCpy $HasApiUrl 0
  StrCpy $HasAutostart 0
  StrCpy $SwDowngrade 0
  Call ReadSwitches
  ${If} $HasAutostart == 1
  ${AndIf} $SwAutostart != "0"
  ${AndIf} $SwAutostart != "1"
    !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/AUTOSTART= must be 0 or 1, not '$SwAutostart'."
  ${EndIf}
  ${If} $SwDowngrade != "0"
  ${AndIf} $SwDowngrade != "1"
    !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/ALLOWDOWNGRADE= must be 0 or 1, not '$SwDowngrade'."
  ${EndIf}

  ${If} $HasRegister == 1
    StrCpy $ChkValue $PropRegister
    StrCpy $ChkAllowed "${ID_CHARS}"
    Call OnlyAllowedChars
    StrLen $0 $PropRegister
    ${If} $ChkOk != 1
    ${OrIf} $0 < 1
    ${OrIf} $0 > 32
      !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/REGISTER= must be 1 to 32 letters, digits, \
          '.', '_' or '-', not '$PropRegister'."
    ${EndIf}
  ${EndIf}

  ${If} $HasLocation == 1
    !insertmacro CHECK_ID LOCATION $PropLocation
  ${EndIf}
  ${If} $HasMerchant == 1
    !insertmacro CHECK_ID MERCHANT $PropMerchant
  ${EndIf}

  ${If} $HasTaxRate == 1
    ; WHOLE[.FRACTION]: WHOLE 1 to 3 digits and at most 100, FRACTION 1 to 4 digits.
    StrCpy $ChkValue $PropTaxRate
    StrCpy $ChkAllowed "${DIGITS}."
    Call OnlyAllowedChars
    StrCpy $2 0  ; dots
    StrCpy $3 "" ; WHOLE
    StrCpy $4 "" ; FRACTION
    StrCpy $0 0
    ${Do}
      StrCpy $1 $PropTaxRate 1 $0
      ${If} $1 == ""
        ${Break}
      ${ElseIf} $1 == "."
        IntOp $2 $2 + 1
      ${ElseIf} $2 == 0
        StrCpy $3 "$3$1"
      ${Else}
        StrCpy $4 "$4$1"
      ${EndIf}
      IntOp $0 $0 + 1
    ${Loop}
    StrLen $5 $3
    StrLen $6 $4
    ${If} $2 == 1
    ${AndIf} $6 < 1
      StrCpy $ChkOk 0 ; "8."
    ${EndIf}
    ${If} $ChkOk == 1
    ${AndIf} $3 > 99
      ; 100 only as 100, 100.0, ...
      StrCpy $ChkValue $4
      StrCpy $ChkAllowed "0"
      Call OnlyAllowedChars
    ${EndIf}
    ${If} $ChkOk != 1
    ${OrIf} $2 > 1
    ${OrIf} $5 < 1
    ${OrIf} $5 > 3
    ${OrIf} $6 > 4
    ${OrIf} $3 > 100
      !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/TAXRATE= must be a percentage from 0 to 100 \
          with up to 4 decimals (8.875), not '$PropTaxRate'."
    ${EndIf}
  ${EndIf}

  ${If} $HasScanner == 1
    ; Empty is allowed: no scanner.
    StrCpy $ChkValue $PropScanner
    StrCpy $ChkAllowed "${URL_CHARS}"
    Call OnlyAllowedChars
    ${If} $ChkOk != 1
      !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/SCANNER= must be a scanner URL \
          (serial://COM3?baud=9600, hid://0c2e:0b61), not '$PropScanner'."
    ${EndIf}
  ${EndIf}

  ${If} $HasApiUrl == 1
    StrCpy $ChkValue $PropApiUrl
    StrCpy $ChkAllowed "${URL_CHARS}"
    Call OnlyAllowedChars
    StrCpy $0 $PropApiUrl 7
    StrCpy $1 $PropApiUrl 8
    StrLen $2 $PropApiUrl
    ${If} $PropApiUrl S== "embedded"
      StrCpy $ChkOk 1
    ${ElseIf} $0 S== "http://"
    ${AndIf} $2 > 7
      ; an http:// address
    ${ElseIf} $1 S== "https://"
    ${AndIf} $2 > 8
      ; an https:// address
    ${Else}
      StrCpy $ChkOk 0
    ${EndIf}
    ${If} $ChkOk != 1
      !insertmacro FAIL ${EXIT_BAD_PROPERTY} "/APIURL= must be an http(s):// address or \
          'embedded', not '$PropApiUrl'."
    ${EndIf}
  ${EndIf}
FunctionEnd

; provisioning.toml in the data directory, with exactly the keys given on the command line.
; Strings are quoted (the checks above keep quotes and backslashes out), ids are bare numbers.
; Without any property an existing provisioning.toml is left as it is.
Function WriteProvisioning
  ${If} $HasProps != 1
    Return
  ${EndIf}
  ClearErrors
  FileOpen $0 "$DataDir\provisioning.toml.new" w
  ${If} ${Errors}
    !insertmacro FAIL ${EXIT_WRITE_FAILED} "Cannot write $DataDir\provisioning.toml.new."
  ${EndIf}
  FileWrite $0 "# LevelUp POS provisioning, written by the ${VERSION} installer from its$\r$\n"
  FileWrite $0 "# command line. The register reads it and never writes it; settings.toml$\r$\n"
  FileWrite $0 "# overrides it key by key (levelup-pos config show prints the result).$\r$\n"
  ${If} $HasLocation == 1
  ${OrIf} $HasMerchant == 1
  ${OrIf} $HasApiUrl == 1
    FileWrite $0 "$\r$\n[levelup]$\r$\n"
    ${If} $HasApiUrl == 1
      FileWrite $0 'base_url = "$PropApiUrl"$\r$\n'
    ${EndIf}
    ${If} $HasLocation == 1
      FileWrite $0 "location_id = $PropLocation$\r$\n"
    ${EndIf}
    ${If} $HasMerchant == 1
      FileWrite $0 "merchant_id = $PropMerchant$\r$\n"
    ${EndIf}
  ${EndIf}
  ${If} $HasRegister == 1
  ${OrIf} $HasTaxRate == 1
    FileWrite $0 "$\r$\n[register]$\r$\n"
    ${If} $HasRegister == 1
      FileWrite $0 'id = "$PropRegister"$\r$\n'
    ${EndIf}
    ${If} $HasTaxRate == 1
      FileWrite $0 'tax_rate = "$PropTaxRate"$\r$\n'
    ${EndIf}
  ${EndIf}
  ${If} $HasScanner == 1
    FileWrite $0 "$\r$\n[scanner]$\r$\n"
    FileWrite $0 'url = "$PropScanner"$\r$\n'
  ${EndIf}
  FileClose $0
  Delete "$DataDir\provisioning.toml"
  ClearErrors
  Rename "$DataDir\provisioning.toml.new" "$DataDir\provisioning.toml"
  ${If} ${Errors}
    !insertmacro FAIL ${EXIT_WRITE_FAILED} "Cannot replace $DataDir\provisioning.toml."
  ${EndIf}
  !insertmacro LOG "wrote $DataDir\provisioning.toml from the command line."
FunctionEnd

Function SkipDirectoryOnUpgrade
  ${If} $OldDir != ""
    Abort ; an upgrade stays where the installed version is
  ${EndIf}
FunctionEnd

Function .onInit
  Call Prepare
  Call ParseProperties

  ; An installed version: upgrade it in place, after the same checks as the uninstaller's.
  ReadRegStr $OldDir HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $OldDir != ""
  ${AndIf} ${FileExists} "$OldDir\${EXE}"
    StrCpy $INSTDIR $OldDir
    ReadRegStr $1 HKLM "${UNINST_KEY}" "DisplayVersion"
    ${VersionCompare} "${VERSION}" "$1" $2 ; 2: this version is older
    ${If} $2 == 2
      ${If} $SwDowngrade != 1
        !insertmacro FAIL ${EXIT_DOWNGRADE} "${PRODUCT} $1 is installed, which is newer than \
            ${VERSION}: nothing changed. To go back to ${VERSION}, add /ALLOWDOWNGRADE=1 \
            (the journal and settings of $1 are kept, and ${VERSION} may not read them)."
      ${EndIf}
      !insertmacro LOG "/ALLOWDOWNGRADE=1: replacing $1 with ${VERSION}."
    ${EndIf}
    ReadRegDWORD $0 HKLM "${UNINST_KEY}" "Autostart"
    ${If} $0 == "0"
      !insertmacro UnselectSection ${SEC_AUTOSTART}
    ${EndIf}
    StrCpy $Exe "$OldDir\${EXE}"
    StrCpy $WindowExe "$OldDir\${WINDOW_EXE}"
    Call CheckRunning
    Call CheckPending
  ${Else}
    StrCpy $OldDir ""
  ${EndIf}

  ${If} $HasAutostart == 1
    ${If} $SwAutostart == "0"
      !insertmacro UnselectSection ${SEC_AUTOSTART}
    ${ElseIf} $SwAutostart == "1"
      !insertmacro SelectSection ${SEC_AUTOSTART}
    ${EndIf}
  ${EndIf}
FunctionEnd

;--------------------------------------------------------------------------------------------
; Uninstaller: the program, its shortcuts and its registry entries. The data directory
; ($COMMONPROGRAMDATA\LevelUp POS: journal, settings, provisioning, logs) is never removed.

Function un.onInit
  Call un.Prepare
  ReadRegStr $0 HKLM "${UNINST_KEY}" "DataDirectory"
  ${If} $0 != ""
    StrCpy $DataDir $0
  ${EndIf}
  StrCpy $Exe "$INSTDIR\${EXE}"
  StrCpy $WindowExe "$INSTDIR\${WINDOW_EXE}"
  Call un.CheckRunning
  Call un.CheckPending
FunctionEnd

Section "Uninstall"
  Delete "$SMSTARTUP\${SHORTCUT}"
  Delete "$SMPROGRAMS\${SHORTCUT}"

  ; Only what the installer put there: a folder chosen with /D= may hold other things.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${WINDOW_EXE}"
  ${If} $EXEPATH == "$INSTDIR\${UNINSTALLER}"
    ; Run in place (_?=, the QuietUninstallString): Windows will not delete a running .exe
    ; but lets it be moved, so it goes to %TEMP% (removed at the next restart). Where it cannot
    ; be moved (another drive; Wine), it and the folder go at the next restart.
    System::Call "kernel32::GetTickCount()i .r0"
    StrCpy $1 "$TEMP\levelup-pos-uninstall-$0.exe"
    ClearErrors
    Rename "$INSTDIR\${UNINSTALLER}" "$1"
    ${If} ${Errors}
      Delete /REBOOTOK "$INSTDIR\${UNINSTALLER}"
      RMDir /REBOOTOK "$INSTDIR"
      !insertmacro LOG "$INSTDIR\${UNINSTALLER} is running and cannot be moved: it and its \
          folder are removed at the next restart."
    ${Else}
      Delete /REBOOTOK "$1"
    ${EndIf}
  ${Else}
    Delete "$INSTDIR\${UNINSTALLER}"
  ${EndIf}
  RMDir "$INSTDIR"

  ReadRegStr $0 HKLM "${ENV_KEY}" "${HOME_ENV}"
  ${If} $0 == $DataDir
    DeleteRegValue HKLM "${ENV_KEY}" "${HOME_ENV}"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
  DeleteRegKey HKLM "${UNINST_KEY}"

  !insertmacro LOG "uninstalled $INSTDIR; the register's data is kept in $DataDir."
SectionEnd
