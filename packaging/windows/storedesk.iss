; Inno Setup script for the Storedesk console on Windows (per-user or all users).
; The release workflow builds the bundle with packaging/build.py, then runs:
;   iscc /DAppVersion=0.1.0 packaging\windows\storedesk.iss
; (paths below are relative to this file; /DSourceDir= and /DOutputDir= override them)

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\dist\storedesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\build\installer"
#endif

[Setup]
AppId={{7D3C2B8E-5F1A-4C6D-9E2B-3A4F5D6C7B8A}
AppName=Storedesk
AppVersion={#AppVersion}
AppVerName=Storedesk {#AppVersion}
AppPublisher=Storedesk
AppPublisherURL=https://storedesk.app
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Storedesk
DefaultGroupName=Storedesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=storedesk-{#AppVersion}-windows-setup
SetupIconFile=..\..\build\icons\storedesk.ico
UninstallDisplayIcon={app}\storedesk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=no
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; the whole one-folder bundle: storedesk.exe, storedesk-relay.exe and _internal\
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Storedesk"; Filename: "{app}\storedesk.exe"
Name: "{autodesktop}\Storedesk"; Filename: "{app}\storedesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\storedesk.exe"; Description: "{cm:LaunchProgram,Storedesk}"; Flags: nowait postinstall skipifsilent
