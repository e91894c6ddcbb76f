// Everything the bot needs in one resource group, in the shape of the Microsoft 365 Agents
// Toolkit's default-bot template (azure.bicep + azure.parameters.json + botRegistration/):
// a user-assigned managed identity that is the bot's identity AND its key to storage, a Linux
// App Service running Node 20 on at least two instances, the Azure Bot with Teams and Direct
// Line, a storage account that accepts Entra ID only, and Application Insights on Log Analytics.
// `azd up` deploys it through main.bicep (README, "Deploy to Azure"). No secret is in this file:
// the two application secrets are parameters, generated once per environment by
// infra/hooks/ensureSecrets.mjs and kept in the azd environment.

@minLength(4)
@maxLength(20)
@description('Prefix of every resource name; lower-case letters and digits (globally unique names get it too).')
param resourceBaseName string

param location string = resourceGroup().location

@maxLength(42)
param botDisplayName string = 'Checkinatwork emergency'

@description('App Service plan: B1 is the smallest tier with Always On, health check and several instances; P0v3 or P1v3 for more memory and zone redundancy.')
param appServicePlanSku string = 'B1'

@minValue(2)
@maxValue(10)
@description('Instances of the bot behind the App Service load balancer; any instance can take any turn (state is in blob storage).')
param instanceCount int = 2

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
@description('Redundancy of the listings and evidence (legal proof): ZRS or GZRS where the region has availability zones.')
param storageSku string = 'Standard_LRS'

@minValue(1)
@maxValue(365)
@description('Days a deleted blob stays recoverable (soft delete). Erased listings are gone for good after this.')
param blobSoftDeleteDays int = 7

@secure()
@minLength(64)
@maxLength(64)
@description('DOWNLOAD_LINK_SECRET: 64 hex characters sealing the PDF download links; the same on every instance.')
param downloadLinkSecret string

@secure()
@minLength(16)
@description('BLOB_NAME_KEY: HMAC key for blob names. Changing it later orphans existing blobs (retention still deletes them).')
param blobNameKey string

@description('Further origins allowed to use the Direct Line site (pages that embed the Web Chat), e.g. https://intranet.example.org.')
param extraWebChatOrigins array = []

@description('LOG_LEVEL of the bot.')
@allowed(['debug', 'info', 'warn', 'error'])
param logLevel string = 'info'

param tags object = {}

// The containers the app uses (src/config.ts defaults; test/deploy/infra.test.ts keeps them equal).
var dataContainerName = 'checkinatwork-listings'
var stateContainerName = 'checkinatwork-state'
// Built-in role "Storage Blob Data Contributor": read, write and delete blobs and containers.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var webAppName = '${resourceBaseName}-${suffix}'
var storageAccountName = take('st${replace(toLower(resourceBaseName), '-', '')}${suffix}', 24)
var botServiceName = '${resourceBaseName}-${suffix}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-id'
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  tags: tags
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

// Entra ID only: no account key and no SAS works (allowSharedKeyAccess false), TLS 1.2, no
// anonymous blob access. The bot reaches it with its managed identity (AZURE_STORAGE_ACCOUNT_URL).
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  tags: tags
  sku: {
    name: storageSku
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: blobSoftDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: blobSoftDeleteDays
    }
  }
}

resource dataContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: dataContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: stateContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageBlobDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  tags: tags
  sku: {
    name: appServicePlanSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  // azd deploys the `bot` service of azure.yaml to the resource with this tag.
  tags: union(tags, { 'azd-service-name': 'bot' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No sticky sessions: any instance serves any turn, which is what scale-out relies on.
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      // Not `npm start`: its prestart rebuilds with TypeScript. Oryx has built dist/ at deployment.
      appCommandLine: 'node --enable-source-maps --disable-warning=DEP0111 dist/src/main.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      webSocketsEnabled: false
    }
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// Register the web app as a bot with the Bot Framework (Teams and Direct Line channels).
module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    botServiceName: botServiceName
    botDisplayName: botDisplayName
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
    webChatTrustedOrigins: concat(['https://${webApp.properties.defaultHostName}'], extraWebChatOrigins)
    tags: tags
  }
}

resource botService 'Microsoft.BotService/botServices@2022-09-15' existing = {
  name: botServiceName
}

resource directLineChannel 'Microsoft.BotService/botServices/channels@2022-09-15' existing = {
  parent: botService
  name: 'DirectLineChannel'
}

// The app settings the bot reads (src/config.ts), set after the bot exists so that the Direct
// Line secret can be read from its channel here and never appears in an output.
resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    MicrosoftAppType: 'UserAssignedMSI'
    MicrosoftAppId: identity.properties.clientId
    MicrosoftAppTenantId: identity.properties.tenantId
    AZURE_CLIENT_ID: identity.properties.clientId
    AZURE_STORAGE_ACCOUNT_URL: 'https://${storage.name}.blob.${environment().suffixes.storage}'
    STORAGE_DATA_CONTAINER: dataContainer.name
    STORAGE_STATE_CONTAINER: stateContainer.name
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
    HOST: '0.0.0.0'
    // App Service's front end is one proxy between the internet and the bot (client addresses
    // for rate limits come from X-Forwarded-For, one hop).
    TRUSTED_PROXY_HOPS: '1'
    // Two or more instances: dialog state has one copy, in storage (README, "Scale-out").
    STATE_OUTAGE_BRIDGE: 'off'
    // The durable local journal (README, "Storage outages and crashes"): /home is persistent and
    // shared by the instances, so a journal left by an instance that is gone is replayed.
    LOCAL_JOURNAL_DIR: '/home/data/journal'
    LOG_LEVEL: logLevel
    DOWNLOAD_LINK_SECRET: downloadLinkSecret
    BLOB_NAME_KEY: blobNameKey
    // The response's `properties` is the channel (a union over channel kinds): any() lets Bicep
    // reach the Direct Line variant's sites; the first site is the one botRegistration creates.
    DIRECT_LINE_SECRET: any(directLineChannel.listChannelWithKeys('2022-09-15')).properties.properties.sites[0].key
    // App Service (Oryx) runs `npm install` and `npm run build` (tsc) on each deployment. NODE_ENV
    // stays unset here: with NODE_ENV=production that install would skip TypeScript.
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
  }
  dependsOn: [
    blobDataContributor
    // The channel (and its key) exists once the registration is deployed.
    azureBotRegistration
  ]
}

// stdout (the bot's JSON log lines), HTTP and platform logs to Log Analytics.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

// Persisted by azd in .azure/<environment>/.env; the names are what `npm run teams:package` reads.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_PUBLIC_URL string = 'https://${webApp.properties.defaultHostName}'
output BOT_MESSAGING_ENDPOINT string = azureBotRegistration.outputs.messagingEndpoint
output BOT_SERVICE_NAME string = azureBotRegistration.outputs.botServiceName
output PUBLIC_BASE_URL string = 'https://${webApp.properties.defaultHostName}'
output MicrosoftAppId string = identity.properties.clientId
output MicrosoftAppType string = 'UserAssignedMSI'
output MicrosoftAppTenantId string = identity.properties.tenantId
output TEAMS_APP_ID string = identity.properties.clientId
output AZURE_STORAGE_ACCOUNT_URL string = 'https://${storage.name}.blob.${environment().suffixes.storage}'
output LOG_ANALYTICS_WORKSPACE_NAME string = logAnalytics.name
