// The Azure Bot registration: the bot's identity (a user-assigned managed identity, so no
// password exists anywhere), its messaging endpoint, and the Teams and Direct Line channels.
// Same place and role as botRegistration/azurebot.bicep in the Microsoft 365 Agents Toolkit
// templates. New bots cannot be MultiTenant (since 31 July 2025): UserAssignedMSI here.

@maxLength(42)
@description('Display name of the bot (Azure portal; Teams shows the name from the app manifest).')
param botDisplayName string

@description('Globally unique name (handle) of the Azure Bot resource.')
param botServiceName string

@allowed(['F0', 'S1'])
@description('F0 is free; Teams and Direct Line are standard channels (no message charges). S1 is only needed for premium channels.')
param botServiceSku string = 'F0'

@description('Client id of the user-assigned managed identity the bot runs as (MicrosoftAppId).')
param identityClientId string

@description('Resource id of that identity.')
param identityResourceId string

@description('Tenant of that identity (MicrosoftAppTenantId).')
param identityTenantId string

@description('Host name of the web app, e.g. ciaw123-app.azurewebsites.net.')
param botAppDomain string

@description('Origins allowed to open Direct Line conversations with tokens of this site (enhanced authentication).')
param webChatTrustedOrigins array

param tags object = {}

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: 'global'
  kind: 'azurebot'
  tags: tags
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: identityClientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    // The bot's own token endpoint exchanges the Direct Line secret; no local auth is needed.
    disableLocalAuth: false
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      // Without the terms accepted, Teams refuses to install the app ("Invalid Bot").
      acceptedTerms: true
    }
  }
}

// The Web Chat page (GET /) talks to the bot through Direct Line with short-lived tokens that
// the bot's token endpoint (POST /api/webchat/token) makes from this site's secret.
resource directLineChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Web Chat page'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: true
          trustedOrigins: webChatTrustedOrigins
        }
      ]
    }
  }
}

output botServiceName string = botService.name
output messagingEndpoint string = botService.properties.endpoint
