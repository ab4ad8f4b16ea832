<#
    Contoso's Always On VPN policies in Intune, kept as a Microsoft365DSC configuration.
    Compile with:  ContosoVpn -ConfigurationData .\ConfigurationData.psd1
    aovpn-lint reads the two VPN resources below; the credentials stay parameters.
#>
Configuration ContosoVpn
{
    param(
        [Parameter()]
        [System.String]
        $ApplicationId,

        [Parameter()]
        [System.String]
        $TenantId,

        [Parameter()]
        [System.String]
        $CertificateThumbprint
    )

    Import-DscResource -ModuleName Microsoft365DSC

    Node localhost
    {
        # User tunnel from the Intune VPN template: split tunnel, two "default" servers
        IntuneDeviceConfigurationVpnPolicyWindows10 'IntuneDeviceConfigurationVpnPolicyWindows10-Contoso VPN'
        {
            DisplayName             = "Contoso VPN";
            Description             = "User tunnel (template)";
            ConnectionName          = "Contoso VPN";
            ConnectionType          = "ikEv2";
            AuthenticationMethod    = "certificate";
            ProfileTarget           = "user";
            EnableAlwaysOn          = $True;
            EnableDeviceTunnel      = $False;
            EnableSplitTunneling    = $True;
            RememberUserCredentials = $True;
            DnsSuffixes             = @("corp.contoso.com");
            TrustedNetworkDomains   = @("corp.contoso.com");
            ServerCollection        = @(
                MSFT_MicrosoftGraphvpnServer{
                    Address = 'vpn1.contoso.com'
                    Description = 'RRAS01'
                    IsDefaultServer = $True
                }
                MSFT_MicrosoftGraphvpnServer{
                    Address = 'vpn2.contoso.com'
                    Description = 'RRAS02'
                    IsDefaultServer = $True
                }
            );
            Routes                  = @(
                MSFT_MicrosoftGraphvpnRoute{
                    DestinationPrefix = '10.10.0.0'
                    PrefixSize = 16
                }
            );
            Ensure                  = "Present";
            ApplicationId           = $ApplicationId;
            TenantId                = $TenantId;
            CertificateThumbprint   = $CertificateThumbprint;
        }

        # Device tunnel as custom ProfileXML, but delivered to the user scope, with a raw space
        IntuneDeviceConfigurationCustomPolicyWindows10 'IntuneDeviceConfigurationCustomPolicyWindows10-Contoso Device Tunnel'
        {
            DisplayName           = "Contoso Device Tunnel";
            Description           = "Device tunnel: domain controllers and PKI before sign-in";
            OmaSettings           = @(
                MSFT_MicrosoftGraphomaSetting{
                    DisplayName = 'Device tunnel ProfileXML'
                    OmaUri = './User/Vendor/MSFT/VPNv2/Contoso Device Tunnel/ProfileXML'
                    odataType = '#microsoft.graph.omaSettingString'
                    IsEncrypted = $False
                    Value = '<VPNProfile>
  <AlwaysOn>true</AlwaysOn>
  <DeviceTunnel>true</DeviceTunnel>
  <RegisterDNS>true</RegisterDNS>
  <NativeProfile>
    <Servers>vpn.contoso.com</Servers>
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <Authentication>
      <MachineMethod>Certificate</MachineMethod>
    </Authentication>
    <CryptographySuite>
      <AuthenticationTransformConstants>GCMAES256</AuthenticationTransformConstants>
      <CipherTransformConstants>GCMAES256</CipherTransformConstants>
      <EncryptionMethod>AES256</EncryptionMethod>
      <IntegrityCheckMethod>SHA256</IntegrityCheckMethod>
      <DHGroup>Group14</DHGroup>
      <PfsGroup>PFS2048</PfsGroup>
    </CryptographySuite>
    <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
  </NativeProfile>
  <Route>
    <Address>10.10.0.10</Address>
    <PrefixSize>32</PrefixSize>
  </Route>
  <Route>
    <Address>10.10.0.11</Address>
    <PrefixSize>32</PrefixSize>
  </Route>
</VPNProfile>'
                }
            );
            Ensure                = "Present";
            ApplicationId         = $ApplicationId;
            TenantId              = $TenantId;
            CertificateThumbprint = $CertificateThumbprint;
        }
    }
}
