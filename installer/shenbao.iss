; Inno Setup script for 申报助手 (Shenbao). Needs Inno Setup 6.3 or later.
;
;   python installer/build.py          (builds dist\shenbao with PyInstaller, then runs iscc on this)
;   iscc installer\shenbao.iss         (after the bundle exists; /DBundleDir=... /DOutputDir=... /DAppVersion=...)
;
; Installs per user without administrator rights (%LOCALAPPDATA%\Programs\Shenbao); the
; wizard offers an all-users install to those who have the rights. The user's drafts are not
; the installer's business: the program keeps them in %LOCALAPPDATA%\Shenbao, which neither an
; upgrade nor the uninstaller touches.

#if Ver < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or later is needed (UTF-8 script without BOM, HKA, dialog overrides)
#endif

#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\dist\shenbao"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\dist"
#endif
#if !FileExists(BundleDir + "\shenbao.exe")
  #error The bundle is missing: run "python installer/build.py" first (expected BundleDir\shenbao.exe)
#endif
; One version for everything: pyproject.toml -> the spec's version resource -> here.
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BundleDir + "\shenbao.exe", "ProductVersion")
#endif

; The Simplified Chinese messages. Official (in the compiler's Languages folder) from Inno Setup
; 7.0.2 on; before that an unofficial translation shipped separately, which build.py fetches at
; build time (pinned to an Inno Setup release tag) and passes as ChineseMessagesFile.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif defined(ChineseMessagesFile)
  #define ChineseMessages ChineseMessagesFile
#else
  #pragma warning "Simplified Chinese messages not found: the wizard's standard texts will be English"
  #define ChineseMessages "compiler:Default.isl"
#endif

#define AppName "申报助手"
#define AppExe "shenbao.exe"
#define ProgId "Shenbao.Draft"
; Created by installer/entry.py in every frozen Shenbao process (session-local, per user).
#define AppMutexName "Shenbao.Running"

[Setup]
; Never change AppId: upgrades find the installed copy by it.
AppId={{F168FCB8-948C-488E-A7DA-1BAB1846A89A}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Shenbao
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
DefaultDirName={autopf}\Shenbao
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=shenbao-{#AppVersion}-setup
SetupIconFile={#AddBackslash(SourcePath)}..\resources\icons\shenbao.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/ultra64
SolidCompression=yes
LZMAUseSeparateProcess=yes
WizardStyle=modern
ShowLanguageDialog=no
ChangesAssociations=yes
; Upgrade in place: the Restart Manager closes a running 申报助手 (it saves as it goes) before
; files are replaced; it is not restarted behind the user's back.
CloseApplications=yes
RestartApplications=no
UsePreviousAppDir=yes
#ifdef Sign
; build.py --sign "...": iscc gets /Sshenbaosign=COMMAND; signs this setup and the uninstaller.
SignTool=shenbaosign
SignedUninstaller=yes
#endif

[Languages]
Name: "chs"; MessagesFile: "{#ChineseMessages}"

[CustomMessages]
chs.DraftFileType=申报书草稿文件
chs.DraftsKept=您的申报书草稿没有被删除，仍保存在：%n%n%1%n%n重新安装申报助手后即可继续使用；如确实不再需要，可以手动删除这个文件夹。
chs.StillRunning=申报助手正在运行。请先关闭所有申报助手窗口，再点“确定”继续卸载。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundle whole: no library of an older version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .shenbao -> Shenbao.Draft, under HKA (HKCU for a per-user install, HKLM for all users).
Root: HKA; Subkey: "Software\Classes\.shenbao"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.shenbao\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:DraftFileType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\_internal\resources\icons\shenbao-doc.ico"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".shenbao"; ValueData: ""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function InitializeUninstall(): Boolean;
begin
  { Files of a running program cannot be removed: ask to close it first (Cancel keeps it installed). }
  Result := True;
  while Result and CheckForMutexes('{#AppMutexName}') do
    Result := MsgBox(CustomMessage('StillRunning'), mbInformation, MB_OKCANCEL) = IDOK;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Drafts, Text: String;
begin
  { The uninstaller never deletes the drafts; it says where they are. }
  if CurUninstallStep = usPostUninstall then
  begin
    Drafts := ExpandConstant('{localappdata}\Shenbao');
    if DirExists(Drafts) and not UninstallSilent then
    begin
      Text := CustomMessage('DraftsKept');
      StringChangeEx(Text, '%n', #13#10, True);
      MsgBox(FmtMessage(Text, [Drafts]), mbInformation, MB_OK);
    end;
  end;
end;
