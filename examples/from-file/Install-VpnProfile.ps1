<#
.SYNOPSIS
    Installs the reviewed user-tunnel.xml beside this script as the Always On VPN user tunnel,
    through the MDM Bridge WMI provider. The script carries no copy of the profile, so what is
    reviewed and linted is what is deployed.
#>

$ProfileName = 'Contoso AlwaysOn VPN'
$ProfileNameEscaped = $ProfileName -replace ' ', '%20'

$ProfileXML = Get-Content -Path (Join-Path $PSScriptRoot 'user-tunnel.xml') -Raw
if ($ProfileXML -notmatch '<VPNProfile>') { throw 'user-tunnel.xml holds no VPNProfile' }
$ProfileXML = [System.Security.SecurityElement]::Escape($ProfileXML)

$Session = New-CimSession
$Instance = New-Object Microsoft.Management.Infrastructure.CimInstance 'MDM_VPNv2_01', 'root\cimv2\mdm\dmmap'
$Instance.CimInstanceProperties.Add([Microsoft.Management.Infrastructure.CimProperty]::Create('ParentID', './Vendor/MSFT/VPNv2', 'String', 'Key'))
$Instance.CimInstanceProperties.Add([Microsoft.Management.Infrastructure.CimProperty]::Create('InstanceID', $ProfileNameEscaped, 'String', 'Key'))
$Instance.CimInstanceProperties.Add([Microsoft.Management.Infrastructure.CimProperty]::Create('ProfileXML', $ProfileXML, 'String', 'Property'))
$Session.CreateInstance('root\cimv2\mdm\dmmap', $Instance)
