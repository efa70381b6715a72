; Inno Setup script: the Windows installer over PyInstaller's one-folder bundle.
;
;   pyinstaller --noconfirm --clean build.spec          (on Windows: makes dist\redline\)
;   iscc /DAppVersion=0.1.0 resources\packaging\windows\redline.iss
;
; writes dist\redline-<version>-windows-x64-setup.exe. Paths are relative to this file.
; Per-user install by default (no admin rights needed); the dialog offers all users.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6C3F6E1B-6E0B-4D5A-9B8E-2F1D7C2A9E41}
AppName=Redline
AppVersion={#AppVersion}
AppVerName=Redline {#AppVersion}
AppPublisher=Redline
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Redline
DefaultGroupName=Redline
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\..\dist
OutputBaseFilename=redline-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\icons\redline.ico
UninstallDisplayIcon={app}\redline-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Put the redline command on the PATH"; Flags: unchecked

[Files]
Source: "..\..\..\dist\redline\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Redline"; Filename: "{app}\redline-gui.exe"
Name: "{autodesktop}\Redline"; Filename: "{app}\redline-gui.exe"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
    Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\redline-gui.exe"; Description: "{cm:LaunchProgram,Redline}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
