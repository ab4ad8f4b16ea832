"""The names of Microsoft365DSC's two VPN resources and their properties, and the Graph JSON
names the template rules read them by (see :mod:`aovpn_lint.load.dsc`)."""

from __future__ import annotations

VPN_RESOURCE = "IntuneDeviceConfigurationVpnPolicyWindows10"
CUSTOM_RESOURCE = "IntuneDeviceConfigurationCustomPolicyWindows10"

#: Every property of the two resources and of the CIM classes they nest (from the resources'
#: schema.mof), as Microsoft365DSC spells it. Its Graph name is the DSC name with a lower-case
#: first letter, except for the two in _RENAMED; PowerShell names are case-insensitive, so
#: :data:`GRAPH_NAMES` is keyed by the lower-cased DSC name.
_DSC_PROPERTIES = (
    # IntuneDeviceConfigurationVpnPolicyWindows10 (windows10VpnConfiguration)
    "AssociatedApps AuthenticationMethod ConnectionName ConnectionType CryptographySuite "
    "CustomXml Description DisplayName DnsRules DnsSuffixes EapXml EnableAlwaysOn "
    "EnableConditionalAccess EnableDeviceTunnel EnableDnsRegistration "
    "EnableSingleSignOnWithAlternateCertificate EnableSplitTunneling Id MicrosoftTunnelSiteId "
    "OnlyAssociatedAppsCanUseConnection ProfileTarget ProxyServer RememberUserCredentials "
    "RoleScopeTagIds Routes ServerCollection SingleSignOnEku SingleSignOnIssuerHash TrafficRules "
    "TrustedNetworkDomains WindowsInformationProtectionDomain Assignments "
    # MSFT_MicrosoftGraphvpnServer, vpnRoute, vpnDnsRule, windows10VpnProxyServer
    "Address IsDefaultServer DestinationPrefix PrefixSize AutoTrigger Name Persistent "
    "ProxyServerUri Servers AutomaticConfigurationScriptUrl AutomaticallyDetectProxySettings "
    "BypassProxyServerForLocalAddress Port odataType "
    # vpnTrafficRule, iPv4Range, numberRange
    "AppId AppType Claims LocalAddressRanges LocalPortRanges Protocols RemoteAddressRanges "
    "RemotePortRanges RoutingPolicyType VpnTrafficDirection LowerAddress UpperAddress "
    "CidrAddress LowerNumber UpperNumber "
    # cryptographySuite, windows10AssociatedApps, extendedKeyUsage
    "AuthenticationTransformConstants CipherTransformConstants DhGroup EncryptionMethod "
    "IntegrityCheckMethod PfsGroup Identifier ObjectIdentifier "
    # policy assignments
    "dataType deviceAndAppManagementAssignmentFilterType deviceAndAppManagementAssignmentFilterId "
    "deviceAndAppManagementAssignmentFilterDisplayName groupId groupDisplayName collectionId "
    # IntuneDeviceConfigurationCustomPolicyWindows10 and MSFT_MicrosoftGraphomaSetting
    "OmaSettings SupportsScopeTags IsEncrypted OmaUri SecretReferenceValueId FileName Value "
    "IsReadOnly"
).split()
_RENAMED = {"ServerCollection": "servers", "odataType": "@odata.type"}


def graph_name(name: str) -> str:
    """The Graph JSON name of a DSC property (the lower-cased first letter, or a renaming)."""
    return _RENAMED.get(name) or name[:1].lower() + name[1:]


#: lower-cased DSC property name -> Graph JSON name (``ServerCollection`` -> ``servers``,
#: ``IsDefaultServer`` -> ``isDefaultServer``, ``EnableSplitTunneling`` ->
#: ``enableSplitTunneling``, ``odataType`` -> ``@odata.type``)
GRAPH_NAMES = {name.lower(): graph_name(name) for name in _DSC_PROPERTIES}

#: what Microsoft365DSC passes to every resource to reach the tenant: not part of the policy
CONNECTION = frozenset(
    name.lower()
    for name in (
        "ApplicationId",
        "TenantId",
        "CertificateThumbprint",
        "Credential",
        "ApplicationSecret",
        "ManagedIdentity",
        "AccessTokens",
        "Ensure",
        "PsDscRunAsCredential",
        "DependsOn",
    )
)
#: names and bookkeeping: a run-time value there hides nothing a rule checks
QUIET = frozenset(("displayname", "description", "id", "assignments", "rolescopetagids"))
