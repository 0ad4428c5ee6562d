# Installs ssg's release binary on Windows, with no Rust toolchain:
#   powershell -ExecutionPolicy Bypass -c "irm https://github.com/OWNER/ssg/releases/latest/download/ssg-installer.ps1 | iex"
# It downloads the x86_64 Windows archive (Windows on Arm runs it too),
# checks it against the release's .sha256 file (and refuses it on a
# mismatch), puts ssg.exe in %LOCALAPPDATA%\ssg\bin and adds that folder to
# the user's PATH. The release workflow publishes this file as
# ssg-installer.ps1 with its own release page as the default download URL.
#
# Settings (environment), as for ssg-installer.sh:
#   SSG_VERSION       the release to install, e.g. 0.2.0 (default: the latest)
#   SSG_INSTALL_DIR   where ssg.exe goes (default: %LOCALAPPDATA%\ssg\bin)
#   SSG_DOWNLOAD_URL  the releases URL the archives are under, laid out as
#                     GitHub's: URL/download/vVERSION/FILE, URL/latest/download/FILE
#   SSG_TARGET        the build to take (default: x86_64-pc-windows-msvc)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# The release workflow writes its release page here.
$DefaultDownloadUrl = ''

function Get-Setting([string]$Name, [string]$Default) {
    $value = [Environment]::GetEnvironmentVariable($Name)
    if ([string]::IsNullOrEmpty($value)) { return $Default }
    return $value
}

function Install-Ssg {
    $releases = (Get-Setting 'SSG_DOWNLOAD_URL' $DefaultDownloadUrl).TrimEnd('/')
    if ([string]::IsNullOrEmpty($releases)) {
        throw 'ssg installer: set SSG_DOWNLOAD_URL to the releases URL (https://github.com/OWNER/ssg/releases)'
    }
    $version = Get-Setting 'SSG_VERSION' 'latest'
    $target = Get-Setting 'SSG_TARGET' 'x86_64-pc-windows-msvc'
    $installDir = Get-Setting 'SSG_INSTALL_DIR' (Join-Path $env:LOCALAPPDATA 'ssg\bin')
    $archive = "ssg-$target.zip"
    if ($version -eq 'latest') {
        $url = "$releases/latest/download/$archive"
    } else {
        $url = "$releases/download/v$($version.TrimStart('v'))/$archive"
    }

    $work = Join-Path ([IO.Path]::GetTempPath()) ("ssg-install-" + [Guid]::NewGuid())
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
        Write-Host "ssg installer: downloading $url"
        $zip = Join-Path $work $archive
        Invoke-WebRequest -UseBasicParsing -Uri $url -OutFile $zip
        Invoke-WebRequest -UseBasicParsing -Uri "$url.sha256" -OutFile "$zip.sha256"
        $expected = ((Get-Content -Raw "$zip.sha256").Trim() -split '\s+')[0].ToLowerInvariant()
        $actual = (Get-FileHash -Algorithm SHA256 $zip).Hash.ToLowerInvariant()
        if ($expected -ne $actual) {
            throw "ssg installer: checksum mismatch for ${archive}: the release says $expected, the download is $actual; nothing was installed"
        }
        Expand-Archive -Path $zip -DestinationPath $work -Force
        $exe = Join-Path $work "ssg-$target\ssg.exe"
        if (-not (Test-Path $exe)) { throw "ssg installer: $archive holds no ssg-$target\ssg.exe" }
        New-Item -ItemType Directory -Force -Path $installDir | Out-Null
        Copy-Item -Force $exe (Join-Path $installDir 'ssg.exe')
    } finally {
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    }

    $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
    if (-not $userPath) { $userPath = '' }
    if (($userPath -split ';') -notcontains $installDir) {
        [Environment]::SetEnvironmentVariable('Path', "$installDir;$userPath", 'User')
        $env:Path = "$installDir;$env:Path"
        Write-Host "ssg installer: added $installDir to your PATH (new terminals see it)"
    }
    $installed = & (Join-Path $installDir 'ssg.exe') --version
    Write-Host "ssg installer: installed $installed into $installDir"
}

Install-Ssg
